// Serves repo/ (a Helm repository index, chart archives, per-platform tool archives) on 127.0.0.1 for the
// builds of this project, and tells them where through .mvn/maven.config; verify.groovy stops it.
import com.sun.net.httpserver.HttpServer

def repo = new File(basedir, 'repo')
def server = HttpServer.create(new InetSocketAddress('127.0.0.1', 0), 0)
def requests = Collections.synchronizedList([])
server.createContext('/') { exchange ->
    def file = new File(repo, exchange.requestURI.path.substring(1))
    requests << exchange.requestURI.path
    if (file.isFile() && file.parentFile == repo) {
        byte[] body = file.bytes
        exchange.sendResponseHeaders(200, body.length)
        exchange.responseBody.write(body)
    } else {
        exchange.sendResponseHeaders(404, -1)
    }
    exchange.close()
}
server.start()
System.properties['chart-repo-app.server'] = server
System.properties['chart-repo-app.requests'] = requests
new File(basedir, '.mvn').mkdirs()
new File(basedir, '.mvn/maven.config').text = "-Dchart.repository=http://127.0.0.1:${server.address.port}\n"
return true
