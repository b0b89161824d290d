// Podman with a storage of this build's own (engine/ under the cloned project: the machine's images are neither
// read nor changed), holding base/base.tar's linux/amd64 image as localhost/team/base:1.
def engine = new File(basedir, 'engine')
engine.mkdirs()
// podman wants a run root shorter than 50 characters: a temporary directory (verify.groovy removes it)
def runRoot = java.nio.file.Files.createTempDirectory('cip').toFile()
new File(engine, 'runroot.txt').text = runRoot.path
def podman = new File(engine, 'podman')
podman.text = "#!/bin/sh\nexec podman --root '${engine}/storage' --runroot '${runRoot}' --storage-driver vfs \"\$@\"\n"
podman.setExecutable(true)
def run = { List<String> command ->
    def process = command.execute()
    def out = new StringBuilder(), err = new StringBuilder()
    process.waitForProcessOutput(out, err)
    assert process.exitValue() == 0 : "${command.join(' ')}: ${out}${err}"
    out.toString().trim()
}
def loaded = run([podman.path, 'load', '-q', '-i', new File(basedir, 'base/base.tar').path])
def id = loaded.substring(loaded.lastIndexOf(' ') + 1).replace('sha256:', '')
run([podman.path, 'tag', id, 'localhost/team/base:1'])
return true
