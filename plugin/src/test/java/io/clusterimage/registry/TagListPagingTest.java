package io.clusterimage.registry;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The tag list's Link header: the next page on the same registry, never another host. */
class TagListPagingTest {

    @Test
    void theNextPageIsFollowedOnTheSameHostOnly() {
        String current = "https://registry.example.com/v2/charts/demo/tags/list";
        assertEquals("https://registry.example.com/v2/charts/demo/tags/list?n=100&last=0.2.0",
                RegistryClient.nextPage("</v2/charts/demo/tags/list?n=100&last=0.2.0>; rel=\"next\"", current));
        assertNull(RegistryClient.nextPage("<https://elsewhere.example.com/v2/x/tags/list?last=a>; rel=\"next\"", current),
                "credentials are never taken to another host");
        assertNull(RegistryClient.nextPage(null, current));
        assertNull(RegistryClient.nextPage("</v2/charts/demo/tags/list?last=a>; rel=\"prev\"", current));
    }
}
