// The image declared in <imageArchives> (a file outside the build context app/) is listed as "built",
// stored in the linux-amd64 tree under the declared repository and tag, locked with its digest, and
// nothing is pulled from registry.example.com (the build runs offline).
import groovy.json.JsonSlurper

def out = new File(basedir, 'app/target/cluster-image')
assert new File(out, 'images.txt').readLines() == ['registry.example.com/team/orders:1.0']
def json = new JsonSlurper().parse(new File(out, 'images.json'))
assert json.images[0].foundIn*.source == ['manifest', 'built'] : "foundIn was ${json.images[0].foundIn}"
assert json.builtImages[0].file.endsWith('/orders-build/orders-image.tar')
def digest = 'sha256:ac7539201e65820624dc9ecbeb813490a5a07759ad79b43e87e8e4c6ea05de20'
def v2 = new File(out, 'linux-amd64/registry/docker/registry/v2')
def link = new File(v2, 'repositories/team/orders/_manifests/tags/1.0/current/link').text
assert link == digest : "tag link was ${link}"
assert new File(v2, "blobs/sha256/ac/${digest.substring(7)}/data").isFile()
assert new File(out, 'images.lock').text == "linux/amd64 registry.example.com/team/orders:1.0 ${digest}\n"
assert new File(basedir, 'app/target/image-archive-app-1.0.0-cluster-image.tar').isFile()
assert !new File(basedir, 'orders-build/work').exists() && new File(basedir, 'orders-build').list() as List == ['orders-image.tar']
def log = new File(basedir, 'build.log').text
assert log.contains('cluster-image: 1 image(s) (1 from <imageArchives>), 0 archive image(s)')
assert log.contains('cluster-image: saving 0 image(s) and 1 archive image(s)')
assert log.contains('cluster-image: registry trees up to date') : 'the second build should find the trees up to date'
return true
