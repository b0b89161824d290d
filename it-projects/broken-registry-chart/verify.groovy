def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] registry: registry/ holds a Helm chart (registry/Chart.yaml), not a registry storage tree')
return true
