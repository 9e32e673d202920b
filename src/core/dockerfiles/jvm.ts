// JVM: build with the project's wrapper (or the build tool's image), run the
// fat jar / Quarkus app / sbt stage on eclipse-temurin:<v>-jre as a non-root user.
// Hints used: wrapper ('./mvnw' | './gradlew'), mvnDir (.mvn exists), artifact ('jar' | 'quarkus-app' |
// 'stage' | 'assembly'), stageName (sbt-native-packager script name).
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap } from './generator';

const SBT_VERSION = '1.10.2';

/** Picks the runnable jar: skips Spring's -plain, shade's original-, sources and javadoc jars. */
const PICK_JAR = (glob: string): string => `cp "$(ls ${glob} | grep -v -e '-plain' -e 'original-' -e '-sources' -e '-javadoc' | head -n1)" /out/app.jar`;

function buildStage(app: AppAnalysis, java: string): string[] {
  const wrapper = typeof app.hints.wrapper === 'string' ? app.hints.wrapper : undefined;
  const fw = app.framework?.value;
  if (app.stack === 'java-maven') {
    const mvn = wrapper ?? 'mvn';
    return [
      wrapper ? `FROM eclipse-temurin:${java}-jdk AS build` : `FROM maven:3.9-eclipse-temurin-${java} AS build`,
      'WORKDIR /src',
      // chmod: the executable bit is often lost on Windows checkouts.
      `COPY ${wrapper ? 'mvnw ' : ''}${typeof app.hints.pomFile === 'string' ? app.hints.pomFile : 'pom.xml'} ./`,
      // .mvn holds the wrapper's settings and build extensions (a polyglot pom.yml needs them).
      ...(app.hints.mvnDir ? ['COPY .mvn .mvn'] : []),
      ...(wrapper ? ['RUN chmod +x mvnw'] : []),
      `RUN ${mvn} -B -q dependency:go-offline`,
      'COPY src src',
      app.hints.artifact === 'quarkus-app'
        ? `RUN ${mvn} -B -DskipTests package && mkdir /out && cp -r target/quarkus-app /out/`
        : `RUN ${mvn} -B -DskipTests package && mkdir /out && ${PICK_JAR('target/*.jar')}`,
    ];
  }
  if (app.stack === 'java-gradle') {
    const gradle = wrapper ? `${wrapper} --no-daemon` : 'gradle --no-daemon';
    const task = fw === 'spring-boot' ? 'bootJar' : fw === 'micronaut' || fw === 'ktor' ? 'shadowJar' : 'build -x test';
    return [
      // gradle:jdkN is the newest Gradle on that JDK; older Gradle releases cannot run on new JDKs.
      wrapper ? `FROM eclipse-temurin:${java}-jdk AS build` : `FROM gradle:jdk${java} AS build`,
      'WORKDIR /src',
      ...(wrapper ? ['COPY gradlew ./', 'COPY gradle gradle', 'RUN chmod +x gradlew'] : []),
      'COPY *.gradle* gradle.propertie[s] ./',
      `RUN ${gradle} dependencies > /dev/null || true`,
      'COPY . .',
      app.hints.artifact === 'quarkus-app'
        ? `RUN ${gradle} build -x test && mkdir /out && cp -r build/quarkus-app /out/`
        : `RUN ${gradle} ${task} && mkdir /out && ${PICK_JAR('build/libs/*.jar')}`,
    ];
  }
  // sbt has no official image with a stable tag scheme: fetch the launcher into a JDK image.
  const install = `RUN curl -fsSL https://github.com/sbt/sbt/releases/download/v${SBT_VERSION}/sbt-${SBT_VERSION}.tgz | tar xz -C /opt`;
  return [
    `FROM eclipse-temurin:${java}-jdk AS build`,
    install,
    'ENV PATH=/opt/sbt/bin:$PATH',
    'WORKDIR /src',
    'COPY build.sbt ./',
    'COPY project project',
    'RUN sbt update',
    'COPY . .',
    app.hints.artifact === 'stage'
      ? 'RUN sbt stage && mkdir /out && cp -r target/universal/stage /out/stage'
      : `RUN sbt assembly && mkdir /out && ${PICK_JAR('target/scala-*/*.jar')}`,
  ];
}

function jvmDockerfile(app: AppAnalysis): string {
  const java = app.version?.value ?? RUNTIMES.java.preferred;
  return [
    GENERATED_HEADER,
    ...buildStage(app, java),
    '',
    `FROM ${RUNTIMES.java.image(java)}`,
    'WORKDIR /app',
    'RUN useradd --system --uid 10001 --no-create-home app',
    'COPY --from=build --chown=app:app /out/ /app/',
    // Size the heap from the container's memory limit rather than the host's.
    'ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"',
    ...(app.port.honoursPortEnv || app.port.port === 8080 ? ['ENV PORT=8080'] : []),
    `EXPOSE ${app.port.port}`,
    'USER app',
    cmd(app.start?.value ?? ['java', '-jar', '/app/app.jar']),
    '',
  ].join('\n');
}

/** Java without a build tool: the JDK for a source file (the launcher compiles it), else the JRE. */
function plainJavaDockerfile(app: AppAnalysis): string {
  const java = app.version?.value ?? RUNTIMES.java.preferred;
  return [
    GENERATED_HEADER,
    `FROM ${app.hints.javaKind === 'source' ? `eclipse-temurin:${java}-jdk` : RUNTIMES.java.image(java)}`,
    'WORKDIR /app',
    'RUN useradd --system --uid 10001 --no-create-home app',
    'COPY --chown=app:app . /app/',
    'ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"',
    ...(app.port.honoursPortEnv || app.port.port === 8080 ? ['ENV PORT=8080'] : []),
    `EXPOSE ${app.port.port}`,
    'USER app',
    cmd(app.start?.value ?? ['java', '-cp', '/app', 'Main']),
    '',
  ].join('\n');
}

const generate = (app: AppAnalysis) => ({
  dockerfile: jvmDockerfile(app),
  dockerignore: dockerignore(['target', 'build', '.gradle', '.bsp', '.metals', '.bloop', 'project/target', '*.class', '*.log']),
});

export const jvmGenerators: GeneratorMap = {
  'java-maven': generate,
  'java-gradle': generate,
  'scala-sbt': generate,
  java: (app) => ({ dockerfile: plainJavaDockerfile(app), dockerignore: dockerignore(['target', 'build', '*.log']) }),
};
