// Two platforms in one build: each platform's registry tree points the tag at its own manifest,
// and the archive holds an OCI index with one cluster image per platform.
import groovy.json.JsonSlurper

def tag(arch) {
    new File(basedir, "target/cluster-image/linux-${arch}/registry/docker/registry/v2/repositories/clusterimage/arch/_manifests/tags/2.0/current/link").text
}
assert tag('amd64') == 'sha256:ecd0a172f2c327831abebf3cca288ac234f734f5a276f0515844b6f513f7da8d'
assert tag('arm64') == 'sha256:f4f84f54b528c5b41a0f586b138dec45b4ef4d6cb09e13adb8a5397519f85bb5'

def entries = [:]
new File(basedir, 'target/multi-arch-app-1.0.0-cluster-image.tar').withInputStream { input ->
    byte[] header = new byte[512]
    while (input.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        def name = new String(header, 0, 100, 'UTF-8').replaceAll('\u0000.*', '')
        long size = Long.parseLong(new String(header, 124, 11, 'US-ASCII').trim() ?: '0', 8)
        entries[name] = input.readNBytes((int) size)
        input.skip((512 - size % 512) % 512)
    }
}
def top = new JsonSlurper().parse(entries['index.json']).manifests[0]
assert top.mediaType == 'application/vnd.oci.image.index.v1+json'
def index = new JsonSlurper().parse(entries["blobs/sha256/${top.digest.substring(7)}"])
assert index.manifests*.platform*.architecture == ['amd64', 'arm64']
def registryLayers = index.manifests.collect { m ->
    def manifest = new JsonSlurper().parse(entries["blobs/sha256/${m.digest.substring(7)}"])
    manifest.layers[1].digest
}
assert registryLayers[0] != registryLayers[1] : 'each platform carries its own registry tree'
def json = new JsonSlurper().parse(new File(basedir, 'target/cluster-image/image.json'))
assert json.platforms*.platform == ['linux/amd64', 'linux/arm64']

// the signature: index.json keeps its one entry; its annotation names the attachments, among them the
// cosign signature of the index's digest, which OpenSSL verifies with the public key
def layout = new JsonSlurper().parse(entries['index.json'])
assert layout.manifests.size() == 1
def attachments = new JsonSlurper().parse(entries["blobs/sha256/${layout.annotations['io.clusterimage.attachments'].substring(7)}"])
def sigEntry = attachments.manifests.find { it.annotations['org.opencontainers.image.ref.name'] == top.digest.replace(':', '-') + '.sig' }
assert sigEntry != null : "no signature for ${top.digest} among ${attachments}"
def sigManifest = new JsonSlurper().parse(entries["blobs/sha256/${sigEntry.digest.substring(7)}"])
def layer = sigManifest.layers[0]
assert layer.mediaType == 'application/vnd.dev.cosign.simplesigning.v1+json'
def payload = entries["blobs/sha256/${layer.digest.substring(7)}"]
def claim = new JsonSlurper().parse(payload)
assert claim.critical.image['docker-manifest-digest'] == top.digest
assert claim.critical.identity['docker-reference'] == 'registry.example.com/apps/multi-arch-app'
def payloadFile = new File(basedir, 'target/payload.json')
payloadFile.bytes = payload
def signatureFile = new File(basedir, 'target/payload.sig')
signatureFile.bytes = layer.annotations['dev.cosignproject.cosign/signature'].decodeBase64()
def openssl = ['openssl', 'dgst', '-sha256', '-verify', new File(basedir, 'signing/cosign.pub').path, '-signature', signatureFile.path,
               payloadFile.path].execute()
def verified = openssl.text
assert openssl.waitFor() == 0 && verified.contains('Verified OK') : verified
assert new File(basedir, 'build.log').text.contains("cluster-image: signed ${top.digest} with cosign.key (EC")
return true
