// jib-maven-plugin's buildTar writes orders/target/jib-image.tar in the package phase; deploy/ imports
// it with <imageArchives> by the coordinates orders/ attached it under (<artifact>): the image is listed as "built", stored in the linux-amd64 tree under the
// declared repository and tag, locked with that digest, and its config runs the class as Jib does.
import groovy.json.JsonSlurper

def out = new File(basedir, 'deploy/target/cluster-image')
assert new File(basedir, 'orders/target/jib-image.tar').isFile()
assert new File(out, 'images.txt').readLines() == ['registry.example.com/team/orders:1.0.0']
def json = new JsonSlurper().parse(new File(out, 'images.json'))
assert json.images[0].foundIn*.source == ['manifest', 'built'] : "foundIn was ${json.images[0].foundIn}"
assert json.builtImages[0].file.endsWith('/orders/target/jib-image.tar')

def v2 = new File(out, 'linux-amd64/registry/docker/registry/v2')
def blob = { String digest -> new File(v2, "blobs/sha256/${digest.substring(7, 9)}/${digest.substring(7)}/data") }
def digest = new File(v2, 'repositories/team/orders/_manifests/tags/1.0.0/current/link').text
assert digest ==~ /sha256:[0-9a-f]{64}/
def manifest = new JsonSlurper().parse(blob(digest))
def config = new JsonSlurper().parse(blob(manifest.config.digest))
assert config.config.Entrypoint == ['java', '-cp', '@/app/jib-classpath-file', 'com.example.orders.Main'] :
        "Entrypoint was ${config.config.Entrypoint}"
assert config.architecture == 'amd64'
// the config Jib wrote (its image id) is the one stored; the base archive's layer comes first, as is
assert manifest.config.digest == new File(basedir, 'orders/target/jib-image.id').text.trim()
assert manifest.layers[0].digest == 'sha256:6c7be03938a7bd752e6d9046bce3673992a3668c0ea1809729f21921cff7e7d7'
assert manifest.layers.size() > 1
manifest.layers.each { assert blob(it.digest).isFile() : "layer ${it.digest} missing" }

assert new File(out, 'images.lock').text == "linux/amd64 registry.example.com/team/orders:1.0.0 ${digest}\n"
assert new File(basedir, 'deploy/target/deploy-1.0.0-cluster-image.tar').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('cluster-image: 1 image(s) (1 from <imageArchives>)')
assert new File(basedir, 'orders/target/jib-base-cache').isDirectory() : 'Jib caches the base in target/, not ~/.cache'
return true
