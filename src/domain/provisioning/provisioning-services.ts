// Builds the provisioning services over one set of deps: what main wires into the API and the boot paths.
import type { BootPlan, KernelSpec } from './boot-plan-types.ts';
import { BootDecisionService, type AttributePlanner } from './boot-decision-service.ts';
import { InstallCallbackService } from './install-callback-service.ts';
import { NodesetService } from './nodeset-service.ts';
import { DEFAULT_SETTINGS, type ProvisioningDeps, type ProvisioningSettings } from './provisioning-deps.ts';
import { ProfileService } from './profile-service.ts';
import { TemplateService } from './template-service.ts';

export interface ProvisioningServices {
  /** nodeset / stat. E's rinstall calls `nodeset.nodeset(range, 'osimage', { actor, cause: 'rinstall' })`. */
  nodeset: NodesetService;
  profiles: ProfileService;
  templates: TemplateService;
  install: InstallCallbackService;
  /** The boot decision for the iPXE script and the TFTP configs (BootDecider). */
  decider: BootDecisionService;
}

export function createProvisioning(d: ProvisioningDeps, attributePlan: AttributePlanner): ProvisioningServices {
  return {
    nodeset: new NodesetService(d),
    profiles: new ProfileService(d.store),
    templates: new TemplateService(d),
    install: new InstallCallbackService(d),
    decider: new BootDecisionService(d, attributePlan),
  };
}

/** The provisioning section of the config file (see config-schema.ts), in seconds as written there. */
export interface ProvisioningConfig {
  knownNodeDefault: 'boot' | 'fallback';
  tokenTtlSeconds: number;
  upTokenTtlSeconds: number;
  installTimeoutSeconds: number;
}

export function provisioningSettings(
  c: Partial<ProvisioningConfig> | undefined,
  boot: { httpBase: string; fallback?: KernelSpec | undefined; provisionEnv?: KernelSpec | undefined },
): ProvisioningSettings {
  return {
    httpBase: boot.httpBase,
    envKernel: boot.provisionEnv,
    fallback: boot.fallback,
    knownNodeDefault: c?.knownNodeDefault ?? DEFAULT_SETTINGS.knownNodeDefault,
    tokenTtlMs: (c?.tokenTtlSeconds ?? DEFAULT_SETTINGS.tokenTtlMs / 1000) * 1000,
    upTokenTtlMs: (c?.upTokenTtlSeconds ?? DEFAULT_SETTINGS.upTokenTtlMs / 1000) * 1000,
    installTimeoutMs: (c?.installTimeoutSeconds ?? DEFAULT_SETTINGS.installTimeoutMs / 1000) * 1000,
  };
}

export type { BootPlan };
