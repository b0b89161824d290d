// The inventory holds exactly the chart image (with the values file's tag), the hook Job's image,
// the flow-style and digest-pinned manifest images, and the shim image — nothing else.
def images = new File(basedir, 'target/cluster-image/images.txt').readLines()
assert images == [
    'docker.io/bitnami/nginx:1.25.4',
    'docker.io/library/busybox:1.36.1',
    'docker.io/library/nginx:latest',
    'quay.io/prometheus/node-exporter:v1.8.2',
    'registry.k8s.io/pause:3.9@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097',
] : "images.txt was ${images}"

def json = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/cluster-image/images.json'))
def busybox = json.images.find { it.canonical == 'docker.io/library/busybox:1.36.1' }
assert busybox.foundIn*.source == ['chart hook']
assert busybox.foundIn[0].file == 'charts/web/templates/migrate-job.yaml'
def nginx = json.images.find { it.canonical == 'docker.io/library/nginx:latest' }
assert nginx.foundIn[0].file == 'images/shim/webImages' && nginx.foundIn[0].line == 2 && nginx.reference == 'nginx'
def exporter = json.images.find { it.canonical.startsWith('quay.io/prometheus/node-exporter') }
assert exporter.foundIn[0].file == 'manifests/exporter.yaml' && exporter.foundIn[0].line == 10
assert json.findings.isEmpty() : "unexpected findings ${json.findings}"
return true
