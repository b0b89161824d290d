def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] Kubefile:3: RUN cannot work in a cluster image') : 'RUN finding missing'
assert log.contains('put binaries under opt/')
assert !(log =~ /(?m)^\s+at [a-z]/) : 'a user error must not print a stack trace'
return true
