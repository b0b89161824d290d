// The example layout is valid: the build passes and the report lists no errors.
def report = new File(basedir, 'target/cluster-image/validation.json')
assert report.isFile() : 'validation.json was not written'
def json = new groovy.json.JsonSlurper().parse(report)
assert json.errors == 0 : "unexpected errors: ${json.findings}"
assert json.kubefile == 'Kubefile'
def log = new File(basedir, 'build.log').text
assert log.contains('cluster-image: layout . — 0 error(s)')
return true
