// PHP: vendor/ installed in composer:2, served by php:<v>-apache as www-data,
// Apache's Listen rewritten to ${PORT} (Apache expands env vars in its config).
// Hints used: composer (composer.json exists), lockfile, docroot ('public' | '').
import { RUNTIMES } from '../analysis/runtimes';
import type { AppAnalysis } from '../analysis/types';
import { assetStage, copySource } from './assets';
import { cmd, dockerignore, GENERATED_HEADER, type GeneratorMap } from './generator';

function phpDockerfile(app: AppAnalysis): string {
  const image = RUNTIMES.php.image(app.version?.value ?? RUNTIMES.php.preferred);
  const docroot = `/var/www/html${app.hints.docroot ? `/${app.hints.docroot}` : ''}`;
  const laravel = app.framework?.value === 'laravel';
  const vendor = app.hints.composer
    ? [
        'FROM composer:2 AS vendor',
        'WORKDIR /app',
        app.hints.lockfile ? 'COPY composer.json composer.lock ./' : 'COPY composer.json ./',
        // Scripts (artisan package:discover …) need the source and run in the final stage.
        'RUN composer install --no-dev --no-scripts --no-autoloader --prefer-dist --no-interaction --ignore-platform-reqs',
        copySource(app, '.'),
        'RUN composer dump-autoload --optimize --no-dev --classmap-authoritative --no-scripts',
        '',
      ]
    : [];
  return [
    GENERATED_HEADER,
    ...assetStage(app),
    ...vendor,
    `FROM ${image}`,
    `ENV APACHE_DOCUMENT_ROOT=${docroot} PORT=8080`,
    'RUN a2enmod rewrite \\',
    ` && sed -ri 's!/var/www/html!\${APACHE_DOCUMENT_ROOT}!g' /etc/apache2/sites-available/*.conf \\`,
    " && sed -ri 's!Listen 80$!Listen ${PORT}!' /etc/apache2/ports.conf \\",
    " && sed -ri 's!<VirtualHost \\*:80>!<VirtualHost *:${PORT}>!' /etc/apache2/sites-available/000-default.conf \\",
    ' && mv "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini" \\',
    // Apache runs as www-data from the start, so its runtime dirs must be writable by it.
    ' && chown -R www-data:www-data /var/run/apache2 /var/lock/apache2 /var/log/apache2',
    'WORKDIR /var/www/html',
    app.hints.composer ? 'COPY --from=vendor --chown=www-data:www-data /app /var/www/html' : copySource(app, '/var/www/html', 'www-data:www-data'),
    ...(laravel ? ['RUN chmod -R ug+rw storage bootstrap/cache'] : []),
    `EXPOSE ${app.port.port}`,
    'USER www-data',
    cmd(['apache2-foreground']),
    '',
  ].join('\n');
}

export const phpGenerators: GeneratorMap = {
  php: (app) => ({
    dockerfile: phpDockerfile(app),
    dockerignore: dockerignore([
      'vendor',
      'node_modules',
      'storage/logs/*',
      'storage/framework/cache/*',
      'storage/framework/sessions/*',
      'tests',
      '.phpunit.result.cache',
    ]),
  }),
};
