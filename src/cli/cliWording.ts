// Core's messages name the extension's settings ("devgem.project" in
// Settings) and the agent's tool arguments ("subfolder", `secrets: {...}`);
// on the command line the same choices are flags. Texts that name neither
// pass through unchanged.

const REPLACEMENTS: [RegExp, string][] = [
  [/\bsetting devgem\.project\b/g, '--project'],
  [/\bsetting devgem\.region\b/g, '--region'],
  [/[Ss]et "devgem\.project" in Settings \(Devgem: Open Settings\)/g, 'Pass --project PROJECT_ID (or set GOOGLE_CLOUD_PROJECT)'],
  [/set "devgem\.project" in Settings/g, 'pass it with --project'],
  [/Set "devgem\.region" in Settings to a region/g, 'Pass --region with a region'],
  [/Set "devgem\.serviceName" to/g, 'Pass --service with'],
  [/Private: "devgem\.allowUnauthenticated" is off/g, 'Private (--private)'],
  [/Raise "devgem\.deployTimeoutSeconds" \(now \d+\)/g, 'Deploy again'],
  [/pass it under "secrets" \(e\.g\. secrets: \{"([^"]+)": "([^"]+)"\}\)/g, 'pass it with --secret $1=$2 (the name of the secret, not its value)'],
  [/\bsubfolder\b/g, '--app'],
  [/deploy again and choose "Take Over" when asked \(devgem deploy: pass --take-over\)/g, 'pass --take-over'],
  [/\(the setting "devgem\.serviceName", or --service\)/g, '(--service)'],
];

export function cliWording(text: string): string;
export function cliWording(text: string | undefined): string | undefined;
export function cliWording(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return REPLACEMENTS.reduce((t, [re, to]) => t.replace(re, to), text);
}
