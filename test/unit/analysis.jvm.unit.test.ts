import * as assert from 'node:assert/strict';
import { jvmDetectors } from '../../src/core/analysis/jvm';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { jvmGenerators } from '../../src/core/dockerfiles/jvm';
import { detectFixture } from '../support/analysisFixtures';

const analyze = (name: string): Promise<AppAnalysis> => detectFixture(jvmDetectors, name, 'a JVM app');

const dockerfile = (app: AppAnalysis) => jvmGenerators[app.stack]!(app).dockerfile.split('\n');

describe('analysis: JVM', () => {
  it('java-spring-maven: wrapper, <java.version>, server.port=${PORT:8080}, fat jar on temurin JRE', async () => {
    const app = await analyze('java-spring-maven');
    assert.equal(app.stack, 'java-maven');
    assert.equal(app.language.value, 'java');
    assert.equal(app.name, 'demo', 'the artifactId, not the parent');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file, app.version?.evidence[0].line], ['21', 'java-spring-maven/pom.xml', 13]);
    assert.equal(app.packageManager?.value, 'maven');
    assert.equal(app.hints.wrapper, './mvnw');
    assert.equal(app.framework?.value, 'spring-boot');
    assert.deepEqual(app.start?.value, ['java', '-jar', '/app/app.jar']);
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'config',
      honoursPortEnv: true,
      evidence: [{ file: 'java-spring-maven/src/main/resources/application.properties', line: 2, detail: 'server.port=${PORT:8080}' }],
    });
    assert.equal(app.confidence, 'high');

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM eclipse-temurin:21-jdk AS build'));
    assert.ok(lines.includes('COPY mvnw pom.xml ./'));
    assert.ok(lines.includes('RUN ./mvnw -B -q dependency:go-offline'));
    assert.ok(lines.some((l) => l.startsWith('RUN ./mvnw -B -DskipTests package && mkdir /out && cp "$(ls target/*.jar')));
    assert.ok(lines.includes('FROM eclipse-temurin:21-jre'));
    assert.ok(lines.includes('USER app'));
    assert.ok(lines.includes('ENV PORT=8080'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('CMD ["java","-jar","/app/app.jar"]'));
  });

  it('java-quarkus-gradle: toolchain version, hard-coded quarkus.http.port with a fix, quarkus-run.jar', async () => {
    const app = await analyze('java-quarkus-gradle');
    assert.equal(app.stack, 'java-gradle');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].line], ['17', 13]);
    assert.deepEqual([app.packageManager?.value, app.hints.wrapper], ['gradle', './gradlew']);
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['quarkus', 3]);
    assert.deepEqual(app.start?.value, ['java', '-jar', '/app/quarkus-app/quarkus-run.jar']);
    assert.equal(app.port.port, 9000);
    assert.equal(app.port.honoursPortEnv, false);
    assert.deepEqual(app.port.fix && [app.port.fix.line, app.port.fix.before, app.port.fix.after], [
      2,
      'quarkus.http.port=9000',
      'quarkus.http.port=${PORT:9000}',
    ]);

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM eclipse-temurin:17-jdk AS build'));
    assert.ok(lines.includes('RUN ./gradlew --no-daemon build -x test && mkdir /out && cp -r build/quarkus-app /out/'));
    assert.ok(lines.includes('FROM eclipse-temurin:17-jre'));
    assert.ok(lines.includes('EXPOSE 9000'));
    assert.ok(!lines.includes('ENV PORT=8080'));
    assert.ok(lines.includes('CMD ["java","-jar","/app/quarkus-app/quarkus-run.jar"]'));
  });

  it('java-micronaut: maven.compiler.release, YAML micronaut.server.port reading PORT, no wrapper → maven image', async () => {
    const app = await analyze('java-micronaut');
    assert.deepEqual([app.version?.value, app.framework?.value, app.name], ['17', 'micronaut', 'hello-mn']);
    assert.equal(app.hints.wrapper, undefined);
    assert.deepEqual(app.port.evidence, [{ file: 'java-micronaut/src/main/resources/application.yml', line: 5, detail: 'micronaut.server.port=${PORT:8080}' }]);
    assert.equal(app.port.honoursPortEnv, true);
    assert.equal(app.confidence, 'medium', 'no wrapper');
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM maven:3.9-eclipse-temurin-17 AS build'));
    assert.ok(lines.includes('RUN mvn -B -q dependency:go-offline'));
    assert.ok(lines.includes('FROM eclipse-temurin:17-jre'));
  });

  it('kotlin-spring-gradle: Kotlin plugin, VERSION_17, YAML server.port 8081 with a fix, bootJar', async () => {
    const app = await analyze('kotlin-spring-gradle');
    assert.equal(app.stack, 'java-gradle');
    assert.deepEqual([app.language.value, app.language.evidence[0].file], ['kotlin', 'kotlin-spring-gradle/build.gradle']);
    assert.deepEqual([app.version?.value, app.version?.evidence[0].line], ['17', 9]);
    assert.equal(app.framework?.value, 'spring-boot');
    assert.deepEqual([app.port.port, app.port.honoursPortEnv, app.port.evidence[0].line], [8081, false, 5]);
    assert.deepEqual(app.port.fix && [app.port.fix.before, app.port.fix.after], ['  port: 8081', '  port: ${PORT:8081}']);
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM gradle:jdk17 AS build'));
    assert.ok(lines.some((l) => l.startsWith('RUN gradle --no-daemon bootJar && ')));
    assert.ok(lines.includes('EXPOSE 8081'));
    assert.ok(lines.includes('USER app'));
  });

  it('scala-play-sbt: Play via plugins.sbt, http.port=${?PORT}, sbt stage script', async () => {
    const app = await analyze('scala-play-sbt');
    assert.equal(app.stack, 'scala-sbt');
    assert.equal(app.language.value, 'scala');
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].file], ['play', 'scala-play-sbt/project/plugins.sbt']);
    assert.deepEqual([app.version?.value, app.packageManager?.value], ['17', 'sbt']);
    assert.deepEqual(app.port, {
      port: 8080,
      source: 'config',
      honoursPortEnv: true,
      evidence: [{ file: 'scala-play-sbt/conf/application.conf', line: 2, detail: 'http.port from PORT' }],
    });
    assert.deepEqual(app.start?.value, ['sh', '-c', 'exec /app/stage/bin/play-hello -Dhttp.port=${PORT}']);
    assert.ok(app.notes.some((n) => n.includes('play.http.secret.key')));
    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM eclipse-temurin:17-jdk AS build'));
    assert.ok(lines.includes('RUN sbt update'));
    assert.ok(lines.includes('RUN sbt stage && mkdir /out && cp -r target/universal/stage /out/stage'));
    assert.ok(lines.includes('FROM eclipse-temurin:17-jre'));
    assert.ok(lines.includes('CMD ["sh","-c","exec /app/stage/bin/play-hello -Dhttp.port=${PORT}"]'));
  });
});
