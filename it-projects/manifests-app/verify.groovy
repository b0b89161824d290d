// The example layout is valid and builds offline into a cluster image: the app image comes from
// images/skopeo/hello.tar, lands in the linux-amd64 registry tree under target/ (never in the source
// tree), and the OCI archive holds the manifests and that registry tree.
import groovy.json.JsonSlurper

def report = new File(basedir, 'target/cluster-image/validation.json')
assert report.isFile() : 'validation.json was not written'
def json = new JsonSlurper().parse(report)
assert json.errors == 0 : "unexpected errors: ${json.findings}"
assert json.kubefile == 'Kubefile'
def log = new File(basedir, 'build.log').text
assert log.contains('cluster-image: layout . — 0 error(s)')
def images = new File(basedir, 'target/cluster-image/images.txt').readLines()
assert images == ['docker.io/clusterimage/hello:1.0'] : "images.txt was ${images}"
def v2 = new File(basedir, 'target/cluster-image/linux-amd64/registry/docker/registry/v2')
def link = new File(v2, 'repositories/clusterimage/hello/_manifests/tags/1.0/current/link').text
assert link == 'sha256:ac7539201e65820624dc9ecbeb813490a5a07759ad79b43e87e8e4c6ea05de20' : "tag link was ${link}"
def hex = link.substring('sha256:'.length())
assert new File(v2, "blobs/sha256/${hex.substring(0, 2)}/${hex}/data").isFile()
assert !new File(basedir, 'registry').exists() : 'nothing may be written into the source tree'
assert new File(basedir, 'target/cluster-image/images.lock').text.contains('clusterimage/hello:1.0')

// the cluster image: an OCI archive whose index names one manifest
def archive = new File(basedir, 'target/manifests-app-1.0.0-cluster-image.tar')
assert archive.isFile()
def entries = [:]
archive.withInputStream { input ->
    byte[] header = new byte[512]
    while (input.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        def name = new String(header, 0, 100, 'UTF-8').replaceAll('\u0000.*', '')
        long size = Long.parseLong(new String(header, 124, 11, 'US-ASCII').trim() ?: '0', 8)
        byte[] content = input.readNBytes((int) size)
        input.skip((512 - size % 512) % 512)
        entries[name] = content
    }
}
assert entries.containsKey('oci-layout') && entries.containsKey('index.json')
def index = new JsonSlurper().parse(entries['index.json'])
def digest = index.manifests[0].digest
assert index.manifests[0].annotations['org.opencontainers.image.ref.name'] == 'manifests-app:1.0.0'
assert new File(basedir, 'target/cluster-image/image.digest').text == digest
def manifest = new JsonSlurper().parse(entries["blobs/sha256/${digest.substring(7)}"])
assert manifest.layers.size() == 2 : 'one layer per COPY'
assert manifest.layers[1].mediaType == 'application/vnd.oci.image.layer.v1.tar' : 'the registry layer is stored uncompressed'
assert manifest.annotations['io.clusterimage.images.lock'].contains('clusterimage/hello:1.0')
def config = new JsonSlurper().parse(entries["blobs/sha256/${manifest.config.digest.substring(7)}"])
assert config.config.Cmd == ['kubectl apply -n $(NAMESPACE) -f manifests/hello.yaml']
assert config.config.Labels['sealos.io.type'] == 'application'
assert config.created == '2026-01-01T00:00:00Z'
// the second build: nothing changed, so nothing is redone
assert log.contains('cluster-image: images up to date (1 image(s))') : 'scan-images should be up to date on the second build'
assert log.contains('cluster-image: registry trees up to date')
assert log.contains('cluster-image: manifests-app-1.0.0-cluster-image.tar up to date (' + digest + ')')
// the SBOM: written by package-image and stored in the archive as an OCI 1.1 artifact whose subject is the
// image (index.json keeps its one entry); package-image attaches it too, so the packaging binds no sbom goal
assert log.contains('cluster-image: SBOM (CycloneDX 1.6) of 1 image(s), 0 chart(s), 0 file(s)')
assert log.count('cluster-image: SBOM (CycloneDX 1.6) of ') == 1 : 'the SBOM is not rewritten by the second build'
assert !log.contains(':sbom (default-sbom)') : 'the cluster-image packaging binds no sbom goal'
assert index.manifests.size() == 1
def attachments = new JsonSlurper().parse(entries["blobs/sha256/${index.annotations['io.clusterimage.attachments'].substring(7)}"])
def sbomArtifact = new JsonSlurper().parse(entries["blobs/sha256/${attachments.manifests[0].digest.substring(7)}"])
assert sbomArtifact.artifactType == 'application/vnd.cyclonedx+json'
assert sbomArtifact.subject.digest == digest
def storedSbom = entries["blobs/sha256/${sbomArtifact.layers[0].digest.substring(7)}"]
assert storedSbom == new File(basedir, 'target/cluster-image/sbom.cdx.json').bytes : 'the archive holds the SBOM the build wrote'

// The plugin as Maven got it: its libraries inside the jar (Maven then reads three POMs, not 40, before every
// build), except helm-java (its POM picks the native Helm of the user's OS and CPU; its own lib-api and JNA
// are bundled) and plexus-build-api (m2e hands its BuildContext only to a plugin that depends on that
// artifact; its plexus-utils is bundled), which stay dependencies.
def pluginDir = new File(localRepositoryPath, 'io/clusterimage/cluster-image-maven-plugin/0.1.0-SNAPSHOT')
def pluginPom = new groovy.xml.XmlSlurper().parse(new File(pluginDir, 'cluster-image-maven-plugin-0.1.0-SNAPSHOT.pom'))
def runtimeDeps = pluginPom.dependencies.dependency.findAll { !(it.scope.text() in ['test', 'provided']) }*.artifactId*.text().sort()
assert runtimeDeps == ['helm-java', 'plexus-build-api'] : "the plugin's POM names ${runtimeDeps}"
def helmExclusions = pluginPom.dependencies.dependency.find { it.artifactId.text() == 'helm-java' }.exclusions.exclusion.collect { it.groupId.text() + ":" + it.artifactId.text() }
assert helmExclusions.containsAll(['com.marcnuri.helm-java:lib-api', 'net.java.dev.jna:*']) : "helm-java's bundled dependencies are excluded: ${helmExclusions}"
// a consumer POM: no parent, no imported BOMs, no build or profiles, which Maven would read in every build
assert pluginPom.parent.size() == 0 && pluginPom.dependencyManagement.size() == 0 : 'the published POM is flattened'
assert pluginPom.build.size() == 0 && pluginPom.profiles.size() == 0 : 'the published POM is flattened'
new java.util.zip.ZipFile(new File(pluginDir, 'cluster-image-maven-plugin-0.1.0-SNAPSHOT.jar')).withCloseable { jar ->
    assert jar.getEntry('com/google/cloud/tools/jib/api/Jib.class') != null : 'Jib Core is bundled'
    // the bundled libraries by their coordinates, for whoever audits the plugin
    def listed = jar.getInputStream(jar.getEntry('META-INF/cluster-image/bundled-libraries.txt')).text
    assert listed.contains('com.google.cloud.tools:jib-core:jar:') && listed.contains('com.fasterxml.jackson.core:jackson-databind:jar:')
    assert !listed.contains('com.marcnuri.helm-java:helm-java:') && !listed.contains('plexus-build-api')
    assert listed.contains('com.marcnuri.helm-java:lib-api:jar:') && listed.contains('net.java.dev.jna:jna-jpms:jar:')
    assert !listed.contains('com.marcnuri.helm-java:linux-amd64:') : 'the native Helm is not bundled'
    assert jar.getEntry('com/sun/jna/Native.class') != null && jar.getEntry('com/marcnuri/helm/jni/HelmLib.class') != null
    assert jar.getEntry('META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties') != null
    assert jar.getEntry('com/marcnuri/helm/Helm.class') == null : 'helm-java is not bundled'
}
return true
