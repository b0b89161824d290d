package com.example.app;

public class Main {
    public static void main(String[] args) {
        System.out.println("app on the engine's base image");
    }
}
