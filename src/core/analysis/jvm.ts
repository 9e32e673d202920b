// JVM apps: Maven, Gradle (Groovy or Kotlin DSL) and sbt builds; Spring Boot,
// Quarkus, Micronaut, Ktor, Play, http4s and akka-http. The build file gives the
// Java version and framework; application config gives the port.
import type { Detector } from './detector';
import { lineAt, type DirView } from './dirView';
import { fact, factFrom, frameworkDefault, newApp, noteProcfile, scanPort } from './stackKit';
import { defaulted, pinned } from './runtimeChoice';
import type { AppAnalysis, Fact, PortFinding, StackId } from './types';

type Build = { stack: StackId; file: string; tool: string; wrapper?: string };

const FRAMEWORKS: [RegExp, string][] = [
  [/org\.springframework\.boot/, 'spring-boot'],
  [/io\.quarkus/, 'quarkus'],
  [/io\.micronaut/, 'micronaut'],
  [/io\.ktor/, 'ktor'],
  [/com\.typesafe\.play|org\.playframework/, 'play'],
  [/org\.http4s/, 'http4s'],
  [/akka-http|pekko-http/, 'akka-http'],
];

const VERSION_RES: RegExp[] = [
  /<java\.version>\s*([\d.]+)\s*</,
  /<maven\.compiler\.release>\s*([\d.]+)\s*</,
  /<maven\.compiler\.(?:source|target)>\s*([\d.]+)\s*</,
  /maven\.compiler\.(?:release|source|target)["']?\s*[:=]\s*["']?([\d.]+)/,
  /JavaLanguageVersion\.of\(\s*(\d+)\s*\)/,
  /jvmToolchain\(\s*(\d+)\s*\)/,
  /"-?-release",\s*"(\d+)"/,
  /(?:source|target)Compatibility\s*=\s*(?:JavaVersion\.VERSION_)?['"]?([\d._]+)/,
];

/** Maven's polyglot extension (.mvn/extensions.xml) reads pom.yml, pom.groovy … instead of pom.xml. */
const POLYGLOT_POMS = ['pom.yml', 'pom.yaml', 'pom.groovy', 'pom.kts', 'pom.rb', 'pom.scala', 'pom.atom', 'pom.clj'];

async function findBuild(view: DirView): Promise<Build | undefined> {
  const wrapper = (await view.exists('mvnw')) ? { wrapper: './mvnw' } : {};
  if (await view.exists('pom.xml')) return { stack: 'java-maven', file: 'pom.xml', tool: 'maven', ...wrapper };
  if (/polyglot/.test((await view.readText('.mvn/extensions.xml')) ?? '')) {
    for (const file of POLYGLOT_POMS) if (await view.exists(file)) return { stack: 'java-maven', file, tool: 'maven', ...wrapper };
  }
  for (const file of ['build.gradle.kts', 'build.gradle']) {
    if (await view.exists(file)) return { stack: 'java-gradle', file, tool: 'gradle', ...((await view.exists('gradlew')) ? { wrapper: './gradlew' } : {}) };
  }
  if (await view.exists('build.sbt')) return { stack: 'scala-sbt', file: 'build.sbt', tool: 'sbt' };
  return undefined;
}

/** "1.8" → "8", "17" → "17", "VERSION_1_8" → "8". */
function javaMajor(raw: string): string {
  const parts = raw.replace(/_/g, '.').split('.');
  return parts[0] === '1' && parts[1] ? parts[1] : parts[0];
}

/** The line (1-based) and value of a dotted key in simple YAML (nested maps, or the dotted key itself). */
function yamlKey(text: string, key: string): { line: number; value: string } | undefined {
  const stack: { indent: number; key: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)([\w.-]+):\s*(.*?)\s*$/.exec(lines[i]);
    if (!m || lines[i].trimStart().startsWith('#')) continue;
    while (stack.length && stack[stack.length - 1].indent >= m[1].length) stack.pop();
    const full = [...stack.map((s) => s.key), m[2]].join('.');
    if (full === key && m[3]) return { line: i + 1, value: m[3].replace(/^['"]|['"]$/g, '') };
    stack.push({ indent: m[1].length, key: m[2] });
  }
  return undefined;
}

/** `key` in application.properties / .yml: ${PORT:…} honours PORT, a number is a hard-coded port (with a fix). */
async function configPort(view: DirView, files: string[], key: string): Promise<PortFinding | undefined> {
  for (const rel of files) {
    const text = await view.readText(rel);
    if (text === undefined) continue;
    let hit: { line: number; value: string } | undefined;
    if (rel.endsWith('.properties')) {
      const m = new RegExp(`^[ \\t]*${key.replace(/\./g, '\\.')}\\s*[=:]\\s*(.+?)\\s*$`, 'm').exec(text);
      if (m) hit = { line: lineAt(text, m.index), value: m[1] };
    } else hit = yamlKey(text, key);
    if (!hit) continue;
    const evidence = [{ file: view.rel(rel), line: hit.line, detail: `${key}=${hit.value}` }];
    if (/\$\{PORT(:\d+)?\}/.test(hit.value)) return { port: 8080, source: 'config', honoursPortEnv: true, evidence };
    const port = Number(hit.value);
    if (!Number.isInteger(port)) continue;
    const before = text.split(/\r?\n/)[hit.line - 1];
    return {
      port,
      source: 'config',
      honoursPortEnv: false,
      evidence,
      fix: {
        file: view.rel(rel),
        line: hit.line,
        before,
        after: before.replace(String(port), `\${PORT:${port}}`),
        explanation: `Read PORT from the environment, keeping ${port} as the fallback.`,
      },
    };
  }
  return undefined;
}

const RESOURCES = ['application.properties', 'application.yml', 'application.yaml'].map((f) => `src/main/resources/${f}`);

async function findPort(view: DirView, framework: string | undefined): Promise<PortFinding> {
  switch (framework) {
    case 'spring-boot':
      return (
        (await configPort(view, RESOURCES, 'server.port')) ??
        frameworkDefault(8080, view.rel('src/main/resources'), 'Spring Boot listens on 8080 unless server.port is set')
      );
    case 'quarkus':
      return (
        (await configPort(view, RESOURCES, 'quarkus.http.port')) ??
        frameworkDefault(8080, view.rel('src/main/resources'), 'Quarkus listens on 8080 unless quarkus.http.port is set')
      );
    case 'micronaut':
      return (
        (await configPort(view, RESOURCES, 'micronaut.server.port')) ??
        frameworkDefault(8080, view.rel('src/main/resources'), 'Micronaut listens on 8080 unless micronaut.server.port is set')
      );
    case 'play': {
      const env = await factFrom(view, 'conf/application.conf', /^[ \t]*http\.port\s*=\s*\$\{\?PORT\}/m, 'http.port from PORT');
      return env
        ? { port: 8080, source: 'config', honoursPortEnv: true, evidence: env.evidence }
        : {
            port: 8080,
            source: 'framework-default',
            honoursPortEnv: true,
            evidence: [{ file: view.rel('build.sbt'), detail: 'Play listens on http.port, which the start command sets to $PORT' }],
          };
    }
  }
  const sources = await view.findFiles(['.scala', '.kt', '.java'], { maxFiles: 150, maxDepth: 8 });
  return (
    (await scanPort(view, sources, {
      readsEnv: /(?:sys\.env|System\.getenv)\s*(?:\.get)?\(\s*"PORT"\s*\)|getenv\("PORT"\)|getenv\(\)\.getOrDefault\(\s*"PORT"/,
      literal: /(?:bindHttp|withPort|newServerAt|embeddedServer|\.bind)\s*\(.*?\b(\d{4,5})\b/,
    })) ?? frameworkDefault(8080, view.rel(sources[0] ?? '.'), 'no listen port found in the source')
  );
}

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const build = await findBuild(view);
  if (!build) return undefined;
  const buildText = (await view.readText(build.file)) ?? '';
  const plugins = build.stack === 'scala-sbt' ? ((await view.readText('project/plugins.sbt')) ?? '') : '';
  const kotlin = /org\.jetbrains\.kotlin|kotlin\(|kotlin-maven-plugin/.exec(buildText) ?? ((await view.exists('src/main/kotlin')) ? ['src/main/kotlin'] : null);
  const language: Fact<'java' | 'kotlin' | 'scala'> =
    build.stack === 'scala-sbt'
      ? fact('scala', view.rel(build.file), 'sbt build')
      : kotlin
        ? fact('kotlin', view.rel(build.file), `Kotlin: ${kotlin[0]}`)
        : fact('java', view.rel(build.file), `${build.tool} build`);
  const app = newApp(view, build.stack, language);
  app.packageManager = fact(build.tool, view.rel(build.file), build.wrapper ? `${build.tool} with wrapper ${build.wrapper}` : `${build.tool} build`);
  if (build.wrapper) app.hints.wrapper = build.wrapper;
  if (build.stack === 'java-maven') {
    app.hints.mvnDir = await view.exists('.mvn');
    if (build.file !== 'pom.xml') app.hints.pomFile = build.file;
  }

  // The build file's Java release is what the code compiles for (and old build tools run on): kept, warned when past support.
  for (const re of VERSION_RES) {
    const v = await factFrom(view, build.file, re, 'Java version');
    if (v) {
      const choice = pinned('java', javaMajor(v.value), {
        evidence: { ...v.evidence[0], detail: `${build.file} Java ${v.value}` },
        fixFor: (l) => `${build.file}: Java ${l}`,
      });
      app.version = choice.fact;
      app.warnings.push(...choice.warnings);
      break;
    }
  }
  if (!app.version) app.version = defaulted('java', view.rel(build.file), build.file).fact;

  for (const [re, name] of FRAMEWORKS) {
    const f = (await factFrom(view, build.file, re, name)) ?? (plugins ? await factFrom(view, 'project/plugins.sbt', re, name) : undefined);
    if (f) {
      app.framework = { value: name, evidence: f.evidence };
      break;
    }
  }
  const fw = app.framework?.value;
  app.hints.artifact =
    fw === 'quarkus' ? 'quarkus-app' : build.stack === 'scala-sbt' ? (/sbt-native-packager|play/.test(plugins) ? 'stage' : 'assembly') : 'jar';
  const name =
    /<artifactId>([^<]+)<\/artifactId>/.exec(buildText.replace(/<parent>[\s\S]*?<\/parent>/, ''))?.[1] ?? /^[ \t]*name\s*:=\s*"([^"]+)"/m.exec(buildText)?.[1];
  if (name) app.name = name;
  if (app.hints.artifact === 'stage') app.hints.stageName = name ?? app.name;
  app.port = await findPort(view, fw);

  const ev = app.framework?.evidence ?? app.packageManager.evidence;
  app.start = fact(
    app.hints.artifact === 'quarkus-app'
      ? ['java', '-jar', '/app/quarkus-app/quarkus-run.jar']
      : app.hints.artifact === 'stage'
        ? ['sh', '-c', `exec /app/stage/bin/${app.hints.stageName} -Dhttp.port=\${PORT}`]
        : ['java', '-jar', '/app/app.jar'],
    ev[0].file,
    `${fw ?? build.tool} ${app.hints.artifact}`,
  );
  if (fw === 'play') app.notes.push('Play needs play.http.secret.key in production: set it (e.g. from an env var) before deploying.');
  if (app.hints.artifact === 'assembly' && !/sbt-assembly/.test(plugins))
    app.notes.push('No sbt-assembly or sbt-native-packager plugin in project/plugins.sbt; add one so the build produces a runnable jar.');
  if (['spring-boot', 'quarkus', 'micronaut'].includes(fw ?? '') && !app.port.honoursPortEnv) {
    app.notes.push(`The app does not read PORT; it works because Cloud Run is told to use port ${app.port.port}.`);
  }
  app.confidence = fw ? (app.version && (build.wrapper || build.stack === 'scala-sbt') ? 'high' : 'medium') : 'low';
  await noteProcfile(view, app);
  return app;
}

export const jvmDetectors: Detector[] = [{ name: 'jvm', detect }];
