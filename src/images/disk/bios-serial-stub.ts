// A 16-bit MBR boot stub for BIOS machines: prints a line on COM1 and halts. It lets a test see that SeaBIOS reached the
// disk (after iPXE handed back) without a real bootloader; UEFI firmware ignores MBR boot code altogether.

/** What the stub prints on the serial port (COM1, I/O port 0x3F8). */
export const BIOS_STUB_MARKER = 'STAGE0-MBR-BOOTED';

/**
 * Loaded at 0000:7C00 by the BIOS. Hand-assembled (offsets in the comments; the message starts at byte 22 = 0x7C16):
 *   0 FC           cld
 *   1 31 C0        xor ax, ax
 *   3 8E D8        mov ds, ax
 *   5 BA F8 03     mov dx, 0x3F8        ; COM1 data port (QEMU's UART needs no setup)
 *   8 BE 16 7C     mov si, 0x7C16       ; the message
 *  11 AC           lodsb
 *  12 84 C0        test al, al
 *  14 74 03        jz 19
 *  16 EE           out dx, al
 *  17 EB F8        jmp 11
 *  19 F4           hlt
 *  20 EB FD        jmp 19
 *  22 message, NUL
 */
export function biosSerialStub(): Buffer {
  const code = Buffer.from([0xfc, 0x31, 0xc0, 0x8e, 0xd8, 0xba, 0xf8, 0x03, 0xbe, 0x16, 0x7c, 0xac, 0x84, 0xc0, 0x74, 0x03, 0xee, 0xeb, 0xf8, 0xf4, 0xeb, 0xfd]);
  return Buffer.concat([code, Buffer.from(`\r\n${BIOS_STUB_MARKER}\r\n\0`, 'ascii')]);
}
