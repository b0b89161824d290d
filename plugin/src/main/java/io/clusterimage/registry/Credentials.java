package io.clusterimage.registry;

/**
 * A user name and password (or an identity token when {@code username} is {@code <token>}).
 * {@link #toString()} never shows the secret.
 */
public record Credentials(String username, String password) {

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }

    public boolean isIdentityToken() {
        return "<token>".equals(username);
    }
}
