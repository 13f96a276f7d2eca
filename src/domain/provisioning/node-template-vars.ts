// The variables a profile's cmdline and installer template see for one node: buildTemplateVars plus the profile.
import type { Attrs } from '../inventory/types.ts';
import type { NodeView } from '../services/node-view.ts';
import { buildTemplateVars } from '../templates/install-template-vars.ts';
import type { ImageInfo } from './image-catalog.ts';
import type { Profile } from './profile.ts';

export interface NodeTemplateContext {
  node: NodeView;
  site: Attrs;
  profile: Profile;
  image?: ImageInfo | undefined;
  token: string;
  server: string;
}

/** Stands in for the token where none exists (previews, lint, stateless boots); never accepted by the endpoints. */
export const PLACEHOLDER_TOKEN = 'TOKEN-PREVIEW-NOT-VALID';

const text = (v: unknown) => (v === undefined ? '' : String(v));

export function nodeTemplateVars(c: NodeTemplateContext): Record<string, unknown> {
  const attrs = c.node.effective ?? {};
  const server = c.server.replace(/\/+$/, '');
  const vars = buildTemplateVars({
    node: c.node,
    attrs,
    site: c.site,
    image: {
      name: c.profile.image ?? c.profile.name,
      kernel: c.profile.kernel,
      initrd: c.profile.initrd ?? '',
      url: c.image ? `${server}${c.image.urlPath}` : '',
      checksum: c.image ? `sha256:${c.image.sha256}` : '',
      os: text(attrs.os),
      version: text(attrs.osversion),
    },
    token: c.token,
    server,
  });
  const { name, kernel, initrd, cmdline, template, image } = c.profile;
  return { ...vars, profile: { name, kernel, initrd: initrd ?? '', cmdline, template: template ?? '', image: image ?? '' } };
}
