def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] Kubefile:4: CMD starts a JSON array that is not closed on this line')
assert log.contains('[ERROR] Kubefile:5: \'"kubectl\' is not an instruction')
return true
