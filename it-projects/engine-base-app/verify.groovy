// app/'s image is built on the image Podman holds as localhost/team/base:1 (base/base.tar's linux/amd64 image):
// its first layer is that image's layer, the app's classes on top; the build said where the base came from.
import groovy.json.JsonSlurper

def out = new File(basedir, 'deploy/target/cluster-image')
assert new File(out, 'images.txt').readLines() == ['registry.example.com/team/app:1.0.0']
def v2 = new File(out, 'linux-amd64/registry/docker/registry/v2')
def blob = { String digest -> new File(v2, "blobs/sha256/${digest.substring(7, 9)}/${digest.substring(7)}/data") }
def manifest = new JsonSlurper().parse(blob(new File(v2, 'repositories/team/app/_manifests/tags/1.0.0/current/link').text))
def config = new JsonSlurper().parse(blob(manifest.config.digest))
// the base's one layer, as base/base.tar holds it for linux/amd64 (by its content: podman saves it uncompressed and
// Jib compresses it again, so the blob digest differs, the diff_id does not)
assert config.rootfs.diff_ids[0] == 'sha256:b0018ad7fe0ef26c09bff626ffb09d42c11785c3cd6a45b20d6a82209d3eff7e' : "diff_ids ${config.rootfs.diff_ids}"
assert config.rootfs.diff_ids.size() > 1 : 'the app layers on top'
assert config.config.Entrypoint.last() == 'com.example.app.Main'
assert new File(basedir, 'deploy/target/deploy-1.0.0-cluster-image.tar').isFile()
new File(new File(basedir, 'engine/runroot.txt').text).deleteDir()
return true
