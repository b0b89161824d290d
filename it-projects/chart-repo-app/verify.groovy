// Charts and files declared in the POM: build 1 fetched them and wrote cluster-image.lock, build 2 ran
// offline from the cache with the lock required. Nothing was written into the source tree; each
// platform's image carries its own tool, and the chart's image was found by the scan.
import groovy.json.JsonSlurper
import java.util.zip.GZIPInputStream

System.properties['chart-repo-app.server']?.stop(0)
def requests = System.properties['chart-repo-app.requests']

assert !new File(basedir, 'charts').exists() && !new File(basedir, 'opt').exists() : 'nothing may be written into the source tree'

def lock = new File(basedir, 'cluster-image.lock').text
assert lock.contains('  - name: "demo"\n') && lock.contains('    version: "0.2.0"\n') : "the highest version below 1.0.0:\n${lock}"
assert lock.contains('/tool-${os}-${arch}.tar.gz"\n') && lock.contains('"linux/arm64":\n        url: "http://127.0.0.1:')
assert lock.contains('\nimages: []\n') : "an image from images/skopeo/tar.txt is not locked (its digest follows the archive):\n${lock}"

def log = new File(basedir, 'build.log').text
assert log.contains('cluster-image: fetched 1 chart(s) and 2 file(s) for [linux/amd64, linux/arm64]')
assert log.contains('wrote ') && log.contains('cluster-image.lock: 1 chart(s), 2 file(s), 0 image(s)')
assert !log.contains('is not in cluster-image.lock') : 'build 2 found everything in the lock'
assert requests.count { it.endsWith('/index.yaml') } == 2 : "only build 1 (fetch and lock) reads the index: ${requests}"

def fetched = new File(basedir, 'target/cluster-image/fetched')
assert new File(fetched, 'linux-arm64/opt/tool').text == '#!/bin/sh\necho tool for arm64\n'
assert new File(fetched, 'linux-amd64/opt/tool').canExecute()
assert !new File(fetched, 'linux-amd64/opt/LICENSE').exists() : 'only what <includes> names'
assert new File(fetched, 'linux-amd64/charts/demo/Chart.yaml').text.contains('version: 0.2.0')
assert new File(fetched, 'linux-arm64/opt/plugin.pom').text.contains('<artifactId>cluster-image-maven-plugin</artifactId>')
assert lock.contains('  - source: "maven:io.clusterimage:cluster-image-maven-plugin:pom:0.1.0-SNAPSHOT"\n')

def images = new JsonSlurper().parse(new File(basedir, 'target/cluster-image/images.json'))
def arch = images.images.find { it.canonical == 'docker.io/clusterimage/arch:2.0' }
assert arch?.foundIn == [[file: 'charts/demo/templates/pod.yaml', line: 0, source: 'chart', written: 'docker.io/clusterimage/arch:2.0']] :
        "the fetched chart was scanned: ${images}"

// the SBOM names the fetched chart with the digest of its archive (from what fetch recorded)
def sbom = new JsonSlurper().parse(new File(basedir, 'target/cluster-image/sbom.cdx.json'))
def demo = sbom.components.find { it.name == 'demo' }
def lockedDigest = (lock =~ /digest: "sha256:([0-9a-f]{64})"/)[0][1]
assert demo?.version == '0.2.0' && demo.hashes*.content == [lockedDigest] : "the SBOM's chart: ${demo}"

// the OCI archive: every platform's image has the chart and its own tool
def entries = [:]
new File(basedir, 'target/chart-repo-app-1.0.0-cluster-image.tar').withInputStream { input ->
    byte[] header = new byte[512]
    while (input.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        def name = new String(header, 0, 100, 'UTF-8').replaceAll('\u0000.*', '')
        long size = Long.parseLong(new String(header, 124, 11, 'US-ASCII').trim() ?: '0', 8)
        entries[name] = input.readNBytes((int) size)
        input.skip((512 - size % 512) % 512)
    }
}
def files(byte[] layer) {
    def result = [:]
    def input = new GZIPInputStream(new ByteArrayInputStream(layer))
    byte[] header = new byte[512]
    while (input.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        def name = new String(header, 0, 100, 'UTF-8').replaceAll('\u0000.*', '')
        long size = Long.parseLong(new String(header, 124, 11, 'US-ASCII').trim() ?: '0', 8)
        result[name] = new String(input.readNBytes((int) size), 'UTF-8')
        input.skip((512 - size % 512) % 512)
    }
    result
}
def top = new JsonSlurper().parse(entries['index.json']).manifests[0]
def index = new JsonSlurper().parse(entries["blobs/sha256/${top.digest.substring(7)}"])
index.manifests.each { m ->
    def manifest = new JsonSlurper().parse(entries["blobs/sha256/${m.digest.substring(7)}"])
    def all = [:]
    manifest.layers.findAll { it.mediaType.endsWith('gzip') }.each { all.putAll(files(entries["blobs/sha256/${it.digest.substring(7)}"])) }
    assert all['opt/tool'] == "#!/bin/sh\necho tool for ${m.platform.architecture}\n" : "${m.platform}: ${all.keySet()}"
    assert all['charts/demo/Chart.yaml']?.contains('version: 0.2.0') : "${m.platform}: ${all.keySet()}"
}
return true
