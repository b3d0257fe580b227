/**
 * The `compose.yaml` and README section of the `strata init` scaffold for a server engine's
 * development container (each descriptor's `init.devServer`).
 */
import type { DevServer } from '../../engines/descriptor.js';

export type { DevServer } from '../../engines/descriptor.js';

/** `compose.yaml` for `server`. */
export function composeYaml(server: DevServer): string {
  return `# Local ${server.title} for development: docker compose up -d
# The credentials are for this throwaway container only.
services:
${server.service}
volumes:
  ${server.volume}:
`;
}

/** The README section on starting the development server. */
export function readmeSection(server: DevServer): string {
  return [
    '## Database server',
    '',
    `This project uses ${server.title}. Start it locally with Docker:`,
    '',
    '```sh',
    'docker compose up -d        # start in the background (data kept in a named volume)',
    'docker compose ps           # wait until the db service is "healthy"',
    'cp .env.example .env        # DATABASE_URL for the container; Strata reads .env',
    '```',
    '',
    ...(server.readmeExtra.length > 0 ? [...server.readmeExtra, ''] : []),
    'Stop it with `docker compose down` (add `-v` to delete the data).',
    '',
  ].join('\n');
}
