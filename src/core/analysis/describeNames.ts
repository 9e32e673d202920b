// The words a person uses for what the analysis records as ids: "Node.js 26
// (JavaScript)" rather than "node, javascript 26", "Bun 1.x" rather than
// "typescript 1", "Next.js", "Poetry", "Turborepo".
import type { AppAnalysis, Language } from './types';

const LANGUAGES: Record<Language, string> = {
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  python: 'Python',
  go: 'Go',
  java: 'Java',
  kotlin: 'Kotlin',
  scala: 'Scala',
  ruby: 'Ruby',
  php: 'PHP',
  csharp: 'C#',
  fsharp: 'F#',
  rust: 'Rust',
  elixir: 'Elixir',
  dart: 'Dart',
  swift: 'Swift',
  html: 'HTML',
  unknown: 'unknown language',
};

const FRAMEWORKS: Record<string, string> = {
  express: 'Express',
  fastify: 'Fastify',
  koa: 'Koa',
  hono: 'Hono',
  hapi: 'hapi',
  nextjs: 'Next.js',
  nuxt: 'Nuxt',
  remix: 'Remix',
  'react-router': 'React Router',
  sveltekit: 'SvelteKit',
  astro: 'Astro',
  angular: 'Angular',
  'angular-ssr': 'Angular (SSR)',
  nestjs: 'NestJS',
  'create-react-app': 'Create React App',
  vite: 'Vite',
  flask: 'Flask',
  django: 'Django',
  fastapi: 'FastAPI',
  streamlit: 'Streamlit',
  gradio: 'Gradio',
  'google-adk': 'Google ADK',
  'spring-boot': 'Spring Boot',
  quarkus: 'Quarkus',
  micronaut: 'Micronaut',
  ktor: 'Ktor',
  play: 'Play',
  http4s: 'http4s',
  'akka-http': 'Akka HTTP',
  rails: 'Rails',
  sinatra: 'Sinatra',
  rack: 'Rack',
  laravel: 'Laravel',
  symfony: 'Symfony',
  slim: 'Slim',
  aspnetcore: 'ASP.NET Core',
  giraffe: 'Giraffe',
  saturn: 'Saturn',
  gin: 'Gin',
  echo: 'Echo',
  fiber: 'Fiber',
  chi: 'chi',
  'net/http': 'net/http',
  axum: 'axum',
  'actix-web': 'Actix Web',
  rocket: 'Rocket',
  warp: 'warp',
  poem: 'Poem',
  hyper: 'hyper',
  phoenix: 'Phoenix',
  fresh: 'Fresh',
  'deno-serve': 'Deno.serve',
  nginx: 'nginx',
  shelf: 'shelf',
  dart_frog: 'Dart Frog',
  vapor: 'Vapor',
  hummingbird: 'Hummingbird',
};

const PACKAGE_MANAGERS: Record<string, string> = {
  npm: 'npm',
  yarn: 'Yarn',
  'yarn-berry': 'Yarn (Berry)',
  pnpm: 'pnpm',
  bun: 'Bun',
  pip: 'pip',
  poetry: 'Poetry',
  uv: 'uv',
  pipenv: 'Pipenv',
  pdm: 'PDM',
  setuptools: 'setuptools',
  go: 'Go modules',
  maven: 'Maven',
  gradle: 'Gradle',
  sbt: 'sbt',
  bundler: 'Bundler',
  composer: 'Composer',
  dotnet: 'NuGet',
  cargo: 'Cargo',
  mix: 'Mix',
  pub: 'pub',
  swiftpm: 'SwiftPM',
  deno: 'Deno',
};

const TOOLS: Record<string, string> = {
  nx: 'Nx',
  turborepo: 'Turborepo',
  lerna: 'Lerna',
  'npm-workspaces': 'npm',
  'yarn-workspaces': 'Yarn',
  'pnpm-workspaces': 'pnpm',
  'bun-workspaces': 'Bun',
  'go-workspace': 'Go',
  dockerfiles: 'Dockerfiles',
  folders: 'folders',
};

const RUNTIME_NAMES: Partial<Record<AppAnalysis['stack'], string>> = {
  python: 'Python',
  go: 'Go',
  ruby: 'Ruby',
  php: 'PHP',
  dotnet: '.NET',
  rust: 'Rust',
  deno: 'Deno',
  elixir: 'Elixir',
  dart: 'Dart',
  swift: 'Swift',
};

/** The runtime and, when it is not obvious from it, the language: Node.js 26 + JavaScript, Bun 1.x + TypeScript, Python 3.14, .NET 10.0 + C#. */
function runtime(app: AppAnalysis): { name: string; language?: string } {
  const v = app.version?.value;
  const lang = LANGUAGES[app.language.value];
  const named = (name: string, language?: string) => ({ name: v ? `${name} ${v}` : name, ...(language ? { language } : {}) });
  switch (app.stack) {
    case 'node':
    case 'node-static':
      if (app.hints.runtime === 'bun') return { name: `Bun ${v && /^\d+$/.test(v) ? `${v}.x` : (v ?? '1.x')}`, language: lang };
      return named('Node.js', lang);
    case 'java':
    case 'java-maven':
    case 'java-gradle':
    case 'scala-sbt':
      return named('Java', app.language.value === 'java' ? undefined : lang);
    case 'dotnet':
      return named('.NET', lang);
    case 'deno':
      return named('Deno', lang);
    case 'static':
      return { name: 'static site' };
    case 'procfile':
    case 'dockerfile': {
      if (app.language.value === 'unknown') return { name: app.stack === 'dockerfile' ? '' : 'a command' };
      const js = app.language.value === 'javascript' || app.language.value === 'typescript';
      return js ? named('Node.js', lang) : named(lang);
    }
  }
  return named(RUNTIME_NAMES[app.stack] ?? lang);
}

export const describeNames = {
  runtime,
  framework: (id: string, spaMode = false) => `${FRAMEWORKS[id] ?? id}${spaMode ? ' (SPA mode)' : ''}`,
  packageManager: (id: string) => PACKAGE_MANAGERS[id] ?? id,
  workspaceTool: (id: string) => TOOLS[id] ?? id,
  language: (l: Language) => LANGUAGES[l],
};
