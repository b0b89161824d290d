// Maven's debug output (-X) prints every parameter of every goal; registry passwords given as the docs
// recommend must not be among them: the environment variable is named, not its value, and the
// settings.xml <server> password is not printed.
def log = new File(basedir, 'build.log').text
assert log.contains('[DEBUG]') : 'the build must run with -X for this check to mean anything'
assert log.contains('password from $CLUSTER_IMAGE_IT_PASSWORD') : 'the <auths> parameter is printed, naming the variable'
assert !log.contains('it-env-secret-4711') : 'the password from the environment appears in the -X output'
assert !log.contains('it-settings-secret-4712') : 'the settings.xml password appears in the -X output'
assert new File(basedir, 'target/secrets-debug-log-1.0.0-cluster-image.tar').isFile()
return true
