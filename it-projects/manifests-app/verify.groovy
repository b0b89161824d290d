// The example layout is valid: the build passes, the report lists no errors, and the inventory
// holds the manifest's image and the shim image.
def report = new File(basedir, 'target/cluster-image/validation.json')
assert report.isFile() : 'validation.json was not written'
def json = new groovy.json.JsonSlurper().parse(report)
assert json.errors == 0 : "unexpected errors: ${json.findings}"
assert json.kubefile == 'Kubefile'
def log = new File(basedir, 'build.log').text
assert log.contains('cluster-image: layout . — 0 error(s)')
def images = new File(basedir, 'target/cluster-image/images.txt').readLines()
assert images == ['docker.io/library/busybox:1.36', 'docker.io/library/nginx:1.27-alpine'] : "images.txt was ${images}"
return true
