// Adds network boot information to OFFER/ACK: next-server, boot file, PXE and iPXE options (RFC 4578, PXE 2.1).
import type { DhcpPacket } from '../../../codec/dhcp/dhcp-packet.ts';
import { withOptions, withRawOption } from '../../../codec/dhcp/dhcp-packet.ts';
import type { BootAnswer, BootFileChooser } from '../boot-file-chooser.ts';
import type { DhcpMode } from '../dhcp-config.ts';
import { drop, type DhcpHandler, type DhcpRequest } from '../dhcp-handler.ts';

/** PXE 2.1 §2.4 option 43 sub-option 6 (discovery control) = 8: use the boot file in this offer, no boot server discovery. */
const PXE_USE_BOOTFILE = Uint8Array.of(6, 1, 8, 255);
/** iPXE option 175 sub-option 176 (no-pxedhcp) = 1: do not wait ~2-3 s for ProxyDHCP offers (FIRMWARE-NOTES.md). */
const IPXE_NO_PXEDHCP = Uint8Array.of(176, 1, 1);
/** The file header field holds 128 bytes including the NUL. */
const FILE_FIELD_MAX = 127;

export function bootHandler(chooser: BootFileChooser, mode: Exclude<DhcpMode, 'off'>): DhcpHandler {
  return {
    name: 'boot',
    async handle(req, res, ctx) {
      const type = res.options.messageType;
      if (type !== 'OFFER' && type !== 'ACK') return res;
      const answer = await chooser.choose({
        mac: req.mac, arch: req.arch, userClass: req.userClass, vendorClass: req.vendorClass, isIpxe: req.isIpxe, node: ctx.node,
      });
      // A proxy reply without boot info says nothing at all.
      if (!answer) return mode === 'proxy' ? drop('no-boot-answer') : res;
      ctx.boot = answer;
      return withBootOptions(res, answer, req, mode);
    },
  };
}

function withBootOptions(res: DhcpPacket, answer: BootAnswer, req: DhcpRequest, mode: Exclude<DhcpMode, 'off'>): DhcpPacket {
  let out: DhcpPacket;
  if (answer.kind === 'tftp') {
    // RFC 2131 §2 siaddr/file, RFC 2132 §9.4/§9.5 options 66/67 for clients that read only options.
    out = withOptions({ ...res, siaddr: answer.nextServer, file: answer.filename }, {
      tftpServerName: answer.nextServer, bootfileName: answer.filename,
    });
  } else {
    // siaddr too: iPXE accepts a ProxyDHCP offer/ACK only with next-server AND a boot file (dhcp_has_pxeopts).
    out = withOptions({ ...res, siaddr: req.serverAddress, file: answer.url.length <= FILE_FIELD_MAX ? answer.url : '' }, { bootfileName: answer.url });
  }
  const vc = req.vendorClass ?? '';
  if (answer.kind === 'http' && vc.startsWith('HTTPClient')) {
    // UEFI HTTP boot ignores an offer without option 60 "HTTPClient" (UEFI 2.x §24.7.2; FIRMWARE-NOTES.md).
    out = withOptions(out, { vendorClass: 'HTTPClient' });
  } else if (vc.startsWith('PXEClient') || mode === 'proxy') {
    // PXE 2.1 §2.2: replies to PXE clients carry "PXEClient"; proxyDHCP offers are recognised by it (iPXE too).
    out = withRawOption(withOptions(out, { vendorClass: 'PXEClient' }), 43, PXE_USE_BOOTFILE);
  }
  if (req.isIpxe && mode === 'authoritative') out = withRawOption(out, 175, IPXE_NO_PXEDHCP);
  return out;
}
