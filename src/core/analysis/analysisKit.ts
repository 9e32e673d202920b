// What analyzing a workspace and writing its Dockerfile take: the analyzers and
// the Dockerfile generators, a fifth of the host's code. The extension ships
// them as dist/analysis.js, required at the first analysis (see lazyAnalysis.ts).
export { analyzeWorkspace } from './analyzeWorkspace';
export { describeApp, describeAppShort } from './describe';
export { generateFiles } from '../dockerfiles/generate';
