package io.clusterimage.layout;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one reading of a tar.txt line that validate-layout and the scan share. */
class TarTxtEntryTest {

    @Test
    void aLineIsAnEntryABlankOrACommentOrMalformed() throws Exception {
        assertEquals(Optional.of(new TarTxtEntry("docker-archive", "calico.tar", "calico/cni:v3.20.0")),
                TarTxtEntry.parse("  docker-archive:calico.tar@calico/cni:v3.20.0  "));
        assertEquals(Optional.of(new TarTxtEntry("oci-archive", "sub/app.tar", "team/app")), TarTxtEntry.parse("oci-archive:sub/app.tar@team/app"));
        assertEquals(Optional.empty(), TarTxtEntry.parse("   "));
        assertEquals(Optional.empty(), TarTxtEntry.parse(" # a comment"));
        for (String bad : new String[] {"calico.tar@calico/cni", "docker-archive:calico.tar", "dir:x@y", "docker-archive@x:y"}) {
            TarTxtEntry.Malformed e = assertThrows(TarTxtEntry.Malformed.class, () -> TarTxtEntry.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not of the form docker-archive:<path>@<repository[:tag]>"), e.getMessage());
        }
    }

    @Test
    void theArchiveIsJoinedToImagesSkopeoAsGoJoinsAndMayNotLeaveIt() {
        assertEquals(Optional.of("images/skopeo/x.tar"), entry("x.tar").contextPath());
        assertEquals(Optional.of("images/skopeo/x.tar"), entry("/x.tar").contextPath(), "a leading slash is still under images/skopeo/");
        assertEquals(Optional.of("images/skopeo/x.tar"), entry("sub/../x.tar").contextPath());
        assertEquals(Optional.empty(), entry("../x.tar").contextPath(), "out of images/skopeo/");
        assertEquals(Optional.empty(), entry("../../../etc/passwd").contextPath(), "out of the context");
        assertEquals(Optional.empty(), entry("").contextPath(), "no file named");
    }

    @Test
    void aTargetWithoutTagIsLatest() {
        assertEquals("team/app:latest", new TarTxtEntry("docker-archive", "a.tar", "team/app").taggedTarget());
        assertEquals("team/app:1.0", new TarTxtEntry("docker-archive", "a.tar", "team/app:1.0").taggedTarget());
        assertEquals("localhost:5000/app:latest", new TarTxtEntry("docker-archive", "a.tar", "localhost:5000/app").taggedTarget());
    }

    private static TarTxtEntry entry(String archive) {
        return new TarTxtEntry("docker-archive", archive, "team/app:1.0");
    }
}
