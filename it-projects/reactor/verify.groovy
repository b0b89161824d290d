// Parent-POM adoption: both app modules become cluster images, the jar module is left alone (one
// INFO line), a module's configuration overrides the parent's, and the build ran with -T 2.
def log = new File(basedir, 'build.log').text
assert new File(basedir, 'app-one/target/app-one-1.0.0-cluster-image.tar').isFile()
assert new File(basedir, 'app-two/target/app-two-1.0.0-cluster-image.tar').isFile()
assert new File(basedir, 'plain-jar/target/plain-jar-1.0.0.jar').isFile()
assert !new File(basedir, 'plain-jar/target/cluster-image/validation.json').exists()
assert log.count('cluster-image: no Kubefile, Sealfile, Dockerfile or Containerfile in .; nothing to validate') == 1
assert new File(basedir, 'app-two/target/cluster-image/image.json').text.contains('"image" : "team-two/app:1.0.0"')
assert new File(basedir, 'app-one/target/cluster-image/image.json').text.contains('"image" : "app-one:1.0.0"')
assert log.contains('Using the MultiThreadedBuilder implementation with a thread count of 2')
assert !log.contains('[WARNING] *****') : 'no thread-safety warnings'
return true
