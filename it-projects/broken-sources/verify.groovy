def log = new File(basedir, 'build.log').text
assert log.contains("[ERROR] Kubefile:3: COPY source 'charts' does not exist in the build context")
assert log.contains("[ERROR] Kubefile:4: COPY source '../secrets' points outside the build context")
assert log.contains("[ERROR] images/shim/appImages:4: 'quay.io/Cilium/cilium:v1.12' is not a valid image reference")
assert log.contains("[ERROR] images/shim/appImages:6: '{{ .Values.image }}' is not a valid image reference")
assert log.contains("[ERROR] manifests/bad.yaml:") && log.contains('not valid YAML')
def json = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/cluster-image/validation.json'))
assert json.errors == 5 : "expected exactly 5 errors, got ${json.findings}"
return true
