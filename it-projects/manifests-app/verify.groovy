// The example layout is valid and builds offline: the image comes from images/skopeo/hello.tar,
// and lands in the linux-amd64 registry tree under target/, never in the source tree.
def report = new File(basedir, 'target/cluster-image/validation.json')
assert report.isFile() : 'validation.json was not written'
def json = new groovy.json.JsonSlurper().parse(report)
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
return true
