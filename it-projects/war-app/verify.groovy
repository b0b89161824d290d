// web/ is built by maven-war-plugin; its war becomes registry.example.com/team/web:1.0.0, laid out as
// jib-maven-plugin lays out a war under Jetty's web application root: the library of WEB-INF/lib in a
// dependencies layer, the page in the resources layer, WEB-INF/classes on top, the base image's Cmd kept
// (the servlet container of a real base image runs the war).
import groovy.json.JsonSlurper
import java.util.zip.GZIPInputStream

def out = new File(basedir, 'deploy/target/cluster-image')
assert new File(out, 'images.txt').readLines() == ['registry.example.com/team/web:1.0.0']
def json = new JsonSlurper().parse(new File(out, 'images.json'))
assert json.images[0].foundIn*.source == ['manifest', 'built'] : "foundIn was ${json.images[0].foundIn}"

def v2 = new File(out, 'linux-amd64/registry/docker/registry/v2')
def blob = { String digest -> new File(v2, "blobs/sha256/${digest.substring(7, 9)}/${digest.substring(7)}/data") }
def digest = new File(v2, 'repositories/team/web/_manifests/tags/1.0.0/current/link').text
def manifest = new JsonSlurper().parse(blob(digest))
def config = new JsonSlurper().parse(blob(manifest.config.digest))
assert config.config.Entrypoint == null : "the base image has no entrypoint, and the war's image adds none: ${config.config.Entrypoint}"
assert config.config.Cmd == ['cat', '/hello.txt'] : "the base image's Cmd is kept: ${config.config.Cmd}"
assert config.config.Env.contains('JAVA_OPTIONS=-Xmx256m')

// the names in a gzip'd tar layer, in the tar's order (Jib's PAX extended headers left out)
def entries = { File layer ->
    def names = []
    new GZIPInputStream(layer.newInputStream()).withCloseable { tar ->
        byte[] header = new byte[512]
        while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            def name = new String(header, 0, 100, 'UTF-8').replaceAll('\u0000.*', '')
            if (!name.startsWith('./PaxHeaders')) names << name
            long size = Long.parseLong(new String(header, 124, 11, 'US-ASCII').trim() ?: '0', 8)
            tar.skipNBytes(((size + 511) / 512 as long) * 512)
        }
    }
    names
}
def root = 'var/lib/jetty/webapps/ROOT/'
def layers = manifest.layers.collect { entries(blob(it.digest)) }
assert layers[0].contains('hello.txt') : 'the base image layer comes first'
assert layers[-1].contains(root + 'WEB-INF/classes/com/example/web/Greeting.class') : "top layer was ${layers[-1]}"
def libs = layers.find { it.contains(root + 'WEB-INF/lib/snakeyaml-2.5.jar') }
assert libs != null : "no layer holds the war's library: ${layers}"
assert !libs.any { it.contains('WEB-INF/classes/') } : 'the library has a layer of its own'
assert layers.any { it.contains(root + 'index.html') && it.contains(root + 'WEB-INF/web.xml') } : "no layer holds the page and web.xml: ${layers}"
assert !layers.flatten().any { it.startsWith('app/') } : 'nothing of a jar layout'
assert new File(basedir, 'deploy/target/deploy-1.0.0-cluster-image.tar').isFile()
return true
