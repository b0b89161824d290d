// init.sh ran once with the platform's arch, the artifactId and the version; its output is in the
// Maven log; the layout it produced (manifests/generated.yaml, which COPY needs) validated.
def log = new File(basedir, 'build.log').text
assert log.contains('cluster-image: bash init.sh amd64 init-script-app 1.0.0')
assert log.contains('[init.sh] prepared init-script-app 1.0.0 for amd64')
assert new File(basedir, 'manifests/generated.yaml').text.contains('arch: amd64')
assert log.contains('cluster-image: layout . — 0 error(s)')
return true
