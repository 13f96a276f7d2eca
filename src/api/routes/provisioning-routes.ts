// Registers the provisioning API (nodeset, boot states, profiles, templates, install callbacks) from one deps object.
import type { FastifyInstance } from 'fastify';
import type { InstallCallbackService } from '../../domain/provisioning/install-callback-service.ts';
import type { NodesetService } from '../../domain/provisioning/nodeset-service.ts';
import type { ProfileService } from '../../domain/provisioning/profile-service.ts';
import type { TemplateService } from '../../domain/provisioning/template-service.ts';
import type { TemplateSource } from '../../domain/provisioning/template-source.ts';
import { installCallbackRoutes } from './install-callback-routes.ts';
import { nodesetRoutes } from './nodeset-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { templateRoutes } from './template-routes.ts';

export interface ProvisioningApiDeps {
  nodeset: NodesetService;
  profiles: ProfileService;
  templates: TemplateService;
  templateSource: TemplateSource;
  install: InstallCallbackService;
}

export function provisioningRoutes(app: FastifyInstance, d: ProvisioningApiDeps): void {
  nodesetRoutes(app, d.nodeset);
  profileRoutes(app, d.profiles);
  templateRoutes(app, d.templates, d.templateSource);
  installCallbackRoutes(app, d.install, d.templates);
}
