import * as assert from 'node:assert/strict';
import { phpDetectors } from '../../src/core/analysis/php';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { phpGenerators } from '../../src/core/dockerfiles/php';
import { detectFixture } from '../support/analysisFixtures';

const analyze = (name: string): Promise<AppAnalysis> => detectFixture(phpDetectors, name, 'PHP');

const dockerfile = (app: AppAnalysis) => phpGenerators.php!(app).dockerfile.split('\n');

describe('analysis: PHP', () => {
  it('php-laravel: composer lock, ^8.2, public/ docroot, Apache on ${PORT}', async () => {
    const app = await analyze('php-laravel');
    assert.equal(app.stack, 'php');
    assert.equal(app.language.value, 'php');
    assert.deepEqual([app.version?.value, app.version?.evidence[0].file, app.version?.evidence[0].line], ['8.5', 'php-laravel/composer.json', 5]);
    assert.deepEqual([app.packageManager?.value, app.packageManager?.evidence[0].file], ['composer', 'php-laravel/composer.lock']);
    assert.deepEqual([app.framework?.value, app.framework?.evidence[0].line], ['laravel', 6]);
    assert.equal(app.hints.docroot, 'public');
    assert.deepEqual(app.start?.value, ['apache2-foreground']);
    assert.deepEqual([app.port.port, app.port.honoursPortEnv, app.port.evidence[0].file], [8080, true, 'php-laravel/public/index.php']);
    assert.ok(app.notes.some((n) => n.includes('APP_KEY')));
    assert.equal(app.confidence, 'high');

    const lines = dockerfile(app);
    assert.ok(lines.includes('FROM composer:2 AS vendor'));
    assert.ok(lines.includes('COPY composer.json composer.lock ./'));
    assert.ok(lines.some((l) => l.startsWith('RUN composer install --no-dev')));
    assert.ok(lines.includes('FROM php:8.5-apache'));
    assert.ok(lines.includes('ENV APACHE_DOCUMENT_ROOT=/var/www/html/public PORT=8080'));
    assert.ok(lines.includes(" && sed -ri 's!Listen 80$!Listen ${PORT}!' /etc/apache2/ports.conf \\"));
    assert.ok(lines.includes('RUN chmod -R ug+rw storage bootstrap/cache'));
    assert.ok(lines.includes('USER www-data'));
    assert.ok(lines.includes('EXPOSE 8080'));
    assert.ok(lines.includes('CMD ["apache2-foreground"]'));
  });

  it('php-plain: index.php without composer is served from the folder itself', async () => {
    const app = await analyze('php-plain');
    assert.equal(app.packageManager, undefined);
    assert.equal(app.framework, undefined);
    assert.equal(app.version?.value, '8.5', 'nothing pinned: the preferred PHP');
    assert.equal(app.language.evidence[0].file, 'php-plain/index.php');
    assert.equal(app.confidence, 'medium');
    const lines = dockerfile(app);
    assert.ok(!lines.some((l) => l.includes('composer')));
    assert.ok(lines.includes('FROM php:8.5-apache'));
    assert.ok(lines.includes('ENV APACHE_DOCUMENT_ROOT=/var/www/html PORT=8080'));
    assert.ok(lines.includes('COPY --chown=www-data:www-data . /var/www/html'));
    assert.ok(lines.includes('USER www-data'));
  });
});
