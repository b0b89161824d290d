package com.example.orders;

import org.yaml.snakeyaml.Yaml;

public class Main {
    public static void main(String[] args) {
        System.out.println(new Yaml().dump(java.util.Map.of("service", "orders")));
    }
}
