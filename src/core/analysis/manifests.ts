import type { DirView } from './dirView';

/** Manifests of stacks with their own detector: a static site or a bare Procfile steps aside when one is present. */
const MANIFESTS = new Set([
  'package.json',
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'setup.py',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'build.sbt',
  'Gemfile',
  'composer.json',
  'Cargo.toml',
  'deno.json',
  'deno.jsonc',
  'mix.exs',
  'pubspec.yaml',
  'Package.swift',
  'index.php',
  'Dockerfile',
]);

export async function hasManifest(view: DirView): Promise<boolean> {
  const names = await view.list();
  return names.some((n) => MANIFESTS.has(n) || /\.(cs|fs)proj$/.test(n));
}
