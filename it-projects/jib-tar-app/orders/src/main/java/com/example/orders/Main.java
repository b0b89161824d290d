package com.example.orders;

public class Main {
    public static void main(String[] args) {
        System.out.println("orders");
    }
}
