// The orders module's image, built by Jib in the same reactor from its jar on the base image of base/,
// is listed as "built", stored in the linux-amd64 and linux-arm64 trees under the declared tag, locked with its digest;
// its top layer holds the classes and its config runs them. Built twice, it has the same digest.
// orders-jar is the same module in packaged mode: its jar run with java -jar, its dependencies in
// /app/libs/ (the jar's manifest Class-Path points there), opt/run.sh from src/main/jib with mode 755.
import groovy.json.JsonSlurper
import java.util.zip.GZIPInputStream

def out = new File(basedir, 'deploy/target/cluster-image')
assert new File(out, 'images.txt').readLines() == ['registry.example.com/team/orders-jar:1.0.0',
                                                  'registry.example.com/team/orders:1.0.0']
def json = new JsonSlurper().parse(new File(out, 'images.json'))
json.images.each { assert it.foundIn*.source == ['manifest', 'built'] : "foundIn was ${it.foundIn}" }
assert json.builtImages*.element == ['<appImages><appImage>', '<appImages><appImage>']

def v2 = new File(out, 'linux-amd64/registry/docker/registry/v2')
def blob = { String digest -> new File(v2, "blobs/sha256/${digest.substring(7, 9)}/${digest.substring(7)}/data") }
def digest = new File(v2, 'repositories/team/orders/_manifests/tags/1.0.0/current/link').text
def manifest = new JsonSlurper().parse(blob(digest))
def config = new JsonSlurper().parse(blob(manifest.config.digest))
assert config.config.Entrypoint == ['java', '-XX:MaxRAMPercentage=75', '-cp', '/app/classes:/app/resources:/app/libs/*',
                                    'com.example.orders.Main'] : "Entrypoint was ${config.config.Entrypoint}"
assert config.config.Env.contains('ORDERS_MODE=cluster')
assert config.config.User == '1000'
assert config.config.ExposedPorts.containsKey('8080/tcp')
assert config.config.Volumes?.keySet() == ['/var/cache/orders'] as Set : "Volumes was ${config.config.Volumes}"
assert config.architecture == 'amd64'

// the entries of a gzip'd tar layer: name -> mode, in the tar's order (Jib's PAX extended headers left out)
def tarModes = { File layer ->
    def result = [:]
    new GZIPInputStream(layer.newInputStream()).withCloseable { tar ->
        byte[] header = new byte[512]
        while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            def name = new String(header, 0, 100, 'UTF-8').replaceAll('\u0000.*', '')
            if (!name.startsWith('./PaxHeaders')) result[name] = Integer.parseInt(new String(header, 100, 7, 'US-ASCII').trim(), 8) & 0777
            long size = Long.parseLong(new String(header, 124, 11, 'US-ASCII').trim() ?: '0', 8)
            tar.skipNBytes(((size + 511) / 512 as long) * 512)
        }
    }
    result
}
def entries = { File layer -> tarModes(layer).keySet() as List }
def layers = manifest.layers.collect { entries(blob(it.digest)) }
assert layers[-1].contains('app/classes/com/example/orders/Main.class') : "top layer was ${layers[-1]}"
assert layers.any { it.contains('app/libs/snakeyaml-2.5.jar') } : "no dependency layer in ${layers}"
assert layers[0].contains('hello.txt') : 'the base image layer comes first'

def jarDigest = new File(v2, 'repositories/team/orders-jar/_manifests/tags/1.0.0/current/link').text
def jarManifest = new JsonSlurper().parse(blob(jarDigest))
def jarConfig = new JsonSlurper().parse(blob(jarManifest.config.digest))
assert jarConfig.config.Entrypoint == ['java', '-jar', '/app/orders-1.0.0.jar'] : "Entrypoint was ${jarConfig.config.Entrypoint}"
def jarLayers = jarManifest.layers.collect { entries(blob(it.digest)) }
assert jarLayers[-2] == ['app/', 'app/orders-1.0.0.jar'] : "the jar alone below the top: ${jarLayers}"
assert jarLayers.any { it.contains('app/libs/snakeyaml-2.5.jar') } : "no dependency layer in ${jarLayers}"
assert jarLayers[-1].contains('opt/run.sh') : "the extra directory is the top layer: ${jarLayers}"
assert tarModes(blob(jarManifest.layers[-1].digest))['opt/run.sh'] == 0755

// the arm64 tree has its own orders image: built on the base archive's arm64 image, the same app layers on top
def armV2 = new File(out, 'linux-arm64/registry/docker/registry/v2')
def armBlob = { String d -> new File(armV2, "blobs/sha256/${d.substring(7, 9)}/${d.substring(7)}/data") }
def armDigest = new File(armV2, 'repositories/team/orders/_manifests/tags/1.0.0/current/link').text
def armJarDigest = new File(armV2, 'repositories/team/orders-jar/_manifests/tags/1.0.0/current/link').text
assert armDigest != digest : 'each platform has an image of its own'
def armManifest = new JsonSlurper().parse(armBlob(armDigest))
assert new JsonSlurper().parse(armBlob(armManifest.config.digest)).architecture == 'arm64'
assert armManifest.layers*.digest == manifest.layers*.digest : 'the same base layer and app layers, only the config differs'

assert new File(out, 'images.lock').readLines().sort() == ["linux/amd64 registry.example.com/team/orders-jar:1.0.0 ${jarDigest}".toString(),
                                                          "linux/amd64 registry.example.com/team/orders:1.0.0 ${digest}".toString(),
                                                          "linux/arm64 registry.example.com/team/orders-jar:1.0.0 ${armJarDigest}".toString(),
                                                          "linux/arm64 registry.example.com/team/orders:1.0.0 ${armDigest}".toString()]
assert new File(basedir, 'deploy/target/deploy-1.0.0-cluster-image.tar').isFile()

// the SBOM lists exactly the images of images.lock, each per platform with its digest
def sbom = new JsonSlurper().parse(new File(out, 'sbom.cdx.json'))
assert sbom.specVersion == '1.6'
def sbomImages = sbom.components.findAll { it.'bom-ref'.startsWith('image:') }
        .collect { "${it.properties.find { p -> p.name == 'clusterimage:platform' }.value} ${it.name}:${it.version} sha256:${it.hashes[0].content}".toString() }
assert sbomImages.sort() == new File(out, 'images.lock').readLines().sort() : "SBOM images ${sbomImages}"
assert sbom.metadata.component.properties.find { it.name == 'clusterimage:platform:linux/arm64' }.value ==
        new JsonSlurper().parse(new File(out, 'image.json')).platforms.find { it.platform == 'linux/arm64' }.manifestDigest

def log = new File(basedir, 'build.log').text
def built = (log =~ /orders:1\.0\.0 \[linux\/amd64\] built by Jib: (sha256:[0-9a-f]{64})/).collect { it[1] }
assert built.size() == 2 : "expected two Jib builds, log has ${built}"
assert built.toSet() == [digest] as Set : "the two builds gave ${built}, the tree holds ${digest}"
assert (log =~ /orders:1\.0\.0 \[linux\/arm64\] built by Jib: /).count == 2
assert log.contains('cluster-image: 2 image(s) (2 from <appImages>)')
assert !log.contains('runtime dependencies left out') : 'the jar lists its Class-Path, so its dependencies are in'
assert !new File(basedir, 'base').list().any { it != 'base.tar' } : 'nothing is written next to the base archive'
return true
