// Static sites (stack 'static'): the files under the site root, served by the
// unprivileged nginx image with a config written from the analysis: listen on
// $PORT (nginx's entrypoint fills it in from the template at start), SPA
// fallback for pushstate, directory listings, gzip, and basic auth.
// Hints used: root ('.' or a folder), pushstate, autoindex, gzip (false = off), basicAuth (htpasswd file).
import { STATIC_IMAGE } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap } from './generator';

const HTML = '/usr/share/nginx/html';
const HTPASSWD = '/etc/nginx/htpasswd';

/** The nginx server block for the site; `$uri` stays for nginx, `${PORT}` is filled in at start. */
export function nginxServer(app: AppAnalysis): string[] {
  return [
    'server {',
    '  listen ${PORT};',
    `  root ${HTML};`,
    '  index index.html index.htm;',
    ...(app.hints.autoindex ? ['  autoindex on;'] : []),
    ...(app.hints.gzip === false ? [] : ['  gzip on;', '  gzip_types text/css application/javascript application/json image/svg+xml;']),
    '  location / {',
    ...(app.hints.basicAuth ? ['    auth_basic "Restricted";', `    auth_basic_user_file ${HTPASSWD};`] : []),
    `    try_files $uri $uri/ ${app.hints.pushstate ? '/index.html' : '=404'};`,
    '  }',
    '}',
  ];
}

/** The RUN line that writes nginx config lines into the template folder. */
export function writeTemplate(lines: string[]): string {
  return `RUN mkdir -p /etc/nginx/templates && printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')} > /etc/nginx/templates/default.conf.template`;
}

function staticDockerfile(app: AppAnalysis): string {
  const root = typeof app.hints.root === 'string' && app.hints.root !== '.' ? app.hints.root : '.';
  const auth = typeof app.hints.basicAuth === 'string' ? app.hints.basicAuth : undefined;
  return [
    GENERATED_HEADER,
    `FROM ${STATIC_IMAGE}`,
    'USER root',
    writeTemplate(nginxServer(app)),
    `COPY ${root === '.' ? '.' : `${root}/`} ${HTML}`,
    // The Staticfile and its users are configuration, not pages to serve.
    `RUN rm -f ${HTML}/Staticfile ${HTML}/Staticfile.auth${root === '.' ? ` ${HTML}/Dockerfile` : ''}`,
    ...(auth ? [`COPY --chown=101:101 ${auth} ${HTPASSWD}`] : []),
    // The unprivileged image's own user (uid 101) owns nginx's cache, pid and conf.d.
    'USER 101',
    'ENV PORT=8080',
    `EXPOSE ${app.port.port}`,
    cmd(['nginx', '-g', 'daemon off;']),
    '',
  ].join('\n');
}

export const staticGenerators: GeneratorMap = {
  static: (app) => ({ dockerfile: staticDockerfile(app), dockerignore: dockerignore(['node_modules', '*.md']) }),
};
