package example;

/** A plain library class. */
public final class Greeting {
    public static String hello() {
        return "hello";
    }
}
