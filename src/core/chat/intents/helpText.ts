// What the offline chat answers to "help" and to anything it did not understand.

export const HELP_TEXT = [
  'Without an AI model I understand these requests:',
  '• Deploy: "deploy this", "deploy this to europe-west1 as api", "deploy the folder services/api", "deploy privately", "deploy publicly"',
  '• GitHub: "deploy github.com/owner/name", "deploy github.com/owner/name at v1.2", "deploy owner/name@main from github"',
  '• "status" — how the last deploy went and its URL',
  '• "cancel" — stop the running deploy',
  '• Logs: "logs", "show logs for api", "show the last 50 log lines", "show me the last errors", "build logs", "why did the build fail?"',
  '• Environment variables: "set FOO=bar", "set GREETING=\'hello world\' on api", "set FOO to bar", "unset FOO", "remove env FOO BAR"',
  '• Secrets: "import .env", "import env from .env.production to api" — secret-looking keys go to Secret Manager',
  '• Roll back: "roll back", "roll back api", "roll back to api-00002-xyz"; "send traffic to api-00004-xyz" serves that revision',
  '• Services and revisions: "list services", "list revisions of api", "describe the api service"',
  '• "delete the api service" — deletes it only after you confirm on a card',
  '• "run it locally" — builds the same image a deploy would and runs it with your local Docker or Podman',
  '• Scaling, memory, access ("scale api to 3 instances", "set min instances to 1", "give it 1 GiB of memory", "make it public") — I give you the gcloud command; changing them from the chat needs the AI',
  '• Saying what not to do ("do not deploy this") does nothing; "cancel" stops only the running deploy',
  '• "what changed since the last deploy?" — files added, removed and modified since then, and the commits',
  '• "usage" — deploys and model calls today, and their limits',
  '• "help" — this list',
  'Project, region and service name otherwise come from Settings (devgem.*), your environment or your gcloud configuration.',
  'To ask anything else in your own words, turn on the AI: run "Devgem: Set Gemini API Key", or set `devgem.ai.vertexProject` to use Vertex AI with Application Default Credentials.',
].join('\n');
