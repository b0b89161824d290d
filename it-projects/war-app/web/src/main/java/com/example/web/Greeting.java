package com.example.web;

/** What the page would say; a class so that WEB-INF/classes is not empty. */
public final class Greeting {

    private Greeting() {
    }

    public static String text() {
        return "hello from the cluster image";
    }
}
