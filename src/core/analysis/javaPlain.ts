// Java without a build tool: a source file with a main method (the JDK runs
// `java Main.java` directly), an exploded jar (META-INF/MANIFEST.MF names the
// Main-Class next to the compiled classes), or a prebuilt jar. Stack 'java'.
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { defaulted } from './runtimeChoice';
import { fact, factFrom, frameworkDefault, newApp, scanPort } from './stackKit';
import type { AppAnalysis } from './types';

const BUILD_FILES = ['pom.xml', 'build.gradle', 'build.gradle.kts', 'build.sbt', 'pom.yml', 'pom.yaml'];
const READS_PORT = /System\.getenv\(\s*"PORT"\s*\)|getenv\(\)\.getOrDefault\(\s*"PORT"/;

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const entries = await view.list();
  if (entries.some((e) => BUILD_FILES.includes(e))) return undefined;
  const manifest = await factFrom(view, 'META-INF/MANIFEST.MF', /^Main-Class:\s*(\S+)/m, 'Main-Class');
  const jar = entries.find((e) => e.endsWith('.jar'));
  let source: string | undefined;
  for (const f of entries.filter((e) => e.endsWith('.java'))) {
    if (/\bstatic\s+void\s+main\s*\(/.test((await view.readText(f)) ?? '')) {
      source = f;
      break;
    }
  }
  if (!manifest && !jar && !source) return undefined;
  const origin = manifest ? manifest.evidence[0].file : view.rel(jar ?? source!);
  const app = newApp(
    view,
    'java',
    fact('java', origin, manifest ? 'exploded jar (META-INF/MANIFEST.MF)' : jar ? 'prebuilt jar' : 'Java source with a main method'),
  );
  app.version = defaulted('java', origin, 'a build file').fact;
  if (manifest) {
    app.hints.javaKind = 'classes';
    app.start = { value: ['java', '-cp', '/app', manifest.value], evidence: manifest.evidence };
  } else if (jar) {
    app.hints.javaKind = 'jar';
    app.start = fact(['java', '-jar', `/app/${jar}`], view.rel(jar), 'runs the prebuilt jar');
  } else {
    // Since Java 11 the launcher compiles and runs a single source file itself (Java 22: several).
    app.hints.javaKind = 'source';
    app.start = fact(['java', source!], view.rel(source!), 'the JDK runs the source file directly');
  }
  const files = source ? [source] : [];
  app.port =
    (await scanPort(view, files, { readsEnv: READS_PORT, literal: /InetSocketAddress\(\s*(\d{2,5})\s*\)/ })) ??
    frameworkDefault(8080, origin, 'no listen port found');
  app.notes.push(
    source
      ? `No build tool: the image runs ${source} with the JDK's source launcher; add Maven or Gradle once it needs libraries.`
      : 'No build tool: the image runs the compiled code as it is.',
  );
  app.confidence = source && app.port.source === 'code' ? 'high' : 'medium';
  return app;
}

export const javaPlainDetectors: Detector[] = [{ name: 'java', detect }];
