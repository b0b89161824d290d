// The signing key of this build, made by OpenSSL as a user would make theirs (encrypted PKCS#8, ECDSA P-256),
// with its public key beside it for verify.groovy. The password is in invoker.properties' environment.
def dir = new File(basedir, 'signing')
dir.mkdirs()
def run = { List<String> command ->
    def process = command.execute()
    def output = process.text
    assert process.waitFor() == 0 : "${command.join(' ')}: ${output}"
}
run(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes256', '-pass', 'pass:it-only',
     '-out', new File(dir, 'cosign.key').path])
run(['openssl', 'pkey', '-in', new File(dir, 'cosign.key').path, '-passin', 'pass:it-only', '-pubout',
     '-out', new File(dir, 'cosign.pub').path])
return true
