// A company parent POM takes the plugin from a file repository the plugin is deployed to, and two team
// projects inherit it. Both builds run here with Maven: first maven-deploy-plugin deploys the plugin this build
// made (and the parent POM its POM names) to target/company-repo, as a release pipeline deploys to Nexus or
// Artifactory; then the teams' build, with a local repository that starts empty and a settings.xml whose only
// other repository is the developer's local repository WITHOUT io/clusterimage: the plugin can come from
// nowhere but the company repository. (Done here rather than by plugin/pom.xml: maven-deploy-plugin refuses
// to run in offline mode, and the build must work with -o.)
import java.nio.file.Files
import java.util.concurrent.TimeUnit

def pluginTarget = new File(basedir, '../..').canonicalFile // plugin/target
def pluginJar = new File(pluginTarget, 'cluster-image-maven-plugin-0.1.0-SNAPSHOT.jar')
assert pluginJar.isFile() : "${pluginJar} is missing"
def companyRepo = new File(basedir, 'target/company-repo')

// Maven's own plugins and the plugin's dependencies: the developer's local repository as a file repository,
// through a tree of links that leaves io/clusterimage out
def outerRepo = new File(System.getProperty('maven.repo.local') ?: System.getProperty('user.home') + '/.m2/repository')
def central = new File(basedir, 'target/central-without-plugin')
new File(central, 'io').mkdirs()
outerRepo.listFiles().each { entry ->
    if (entry.name != 'io') {
        Files.createSymbolicLink(new File(central, entry.name).toPath(), entry.toPath())
    }
}
new File(outerRepo, 'io').listFiles()?.each { entry ->
    if (entry.name != 'clusterimage') {
        Files.createSymbolicLink(new File(central, "io/${entry.name}").toPath(), entry.toPath())
    }
}
assert !new File(central, 'io/clusterimage').exists()

def settings = new File(basedir, 'target/company-settings.xml')
settings.text = """<settings>
  <mirrors>
    <mirror>
      <id>central-without-plugin</id>
      <mirrorOf>*,!company-releases</mirrorOf>
      <url>${central.toURI()}</url>
    </mirror>
  </mirrors>
</settings>
"""
// runs Maven in dir with a local repository of its own; its output goes to NAME.log
def maven = { String name, File dir, List arguments ->
    def logFile = new File(basedir, "${name}.log")
    def command = [new File(System.getProperty('maven.home'), 'bin/mvn').path, '-B', '-s', settings.path,
                   "-Dmaven.repo.local=${new File(basedir, "target/${name}-local-repo")}"] + arguments
    def builder = new ProcessBuilder(command.collect { it.toString() }).directory(dir).redirectErrorStream(true).redirectOutput(logFile)
    builder.environment().put('JAVA_HOME', System.getProperty('java.home'))
    def process = builder.start()
    assert process.waitFor(300, TimeUnit.SECONDS) : "mvn ${arguments} in ${dir} did not finish in 300 s"
    def text = logFile.text
    assert process.exitValue() == 0 : "mvn ${arguments} in ${dir} failed (${logFile}):\n" + text.readLines().takeRight(40).join('\n')
    return text
}

// the release: the plugin jar and its POM, and the parent POM that POM names
def deployer = new File(basedir, 'target/deployer')
deployer.mkdirs()
def deployFile = { String id, File file, File pom -> """
          <execution>
            <id>${id}</id>
            <phase>validate</phase>
            <goals><goal>deploy-file</goal></goals>
            <configuration>
              <file>${file}</file>
              <pomFile>${pom}</pomFile>
              <repositoryId>company-releases</repositoryId>
              <url>${companyRepo.toURI()}</url>
            </configuration>
          </execution>""" }
new File(deployer, 'pom.xml').text = """<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example.company</groupId>
  <artifactId>release</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-deploy-plugin</artifactId>
        <version>3.1.4</version>
        <executions>${deployFile('parent', new File(pluginTarget, '../../pom.xml').canonicalFile, new File(pluginTarget, '../../pom.xml').canonicalFile)}${deployFile('plugin', pluginJar, new File(pluginTarget, '../pom.xml').canonicalFile)}
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
"""
maven('deploy', deployer, ['validate'])
def deployed = new File(companyRepo, 'io/clusterimage/cluster-image-maven-plugin/0.1.0-SNAPSHOT')
assert new File(deployed, 'maven-metadata.xml').isFile() : "the plugin was not deployed to ${companyRepo}"
assert deployed.list().any { it ==~ /cluster-image-maven-plugin-0\.1\.0-\d{8}\.\d{6}-\d+\.jar/ } : "no deployed jar in ${deployed}"

def localRepo = new File(basedir, 'target/teams-local-repo')
def log = maven('teams', new File(basedir, 'teams'), ["-Dcompany.repository.url=${companyRepo.toURI()}", 'package'])

// the plugin came from the company repository, into the empty local repository
def downloaded = log.readLines().findAll { it.contains('Downloaded from company-releases') && it.contains('cluster-image-maven-plugin') }
assert downloaded.any { it.contains('.jar') } : "the plugin jar was not downloaded from company-releases:\n" + log
assert new File(localRepo, 'io/clusterimage/cluster-image-maven-plugin/0.1.0-SNAPSHOT/maven-metadata-company-releases.xml').isFile()
assert !log.contains('Downloaded from central-without-plugin: ' + central.toURI() + 'io/clusterimage')

// both teams built their cluster image, with the parent's defaults
for (team in ['a', 'b']) {
    def out = new File(basedir, "teams/team-${team}/target")
    assert new File(out, "team-${team}-app-1.0.0-cluster-image.tar").isFile() : "team ${team}: no cluster image in ${out}"
    def platforms = new File(out, 'cluster-image').list().findAll { it.startsWith('linux-') }
    assert platforms == ['linux-amd64'] : "team ${team}: the parent's cluster-image.platforms was not inherited: ${platforms}"
}
assert log.contains('team-a-app') && log.contains('team-b-app') && log.contains('BUILD SUCCESS')
