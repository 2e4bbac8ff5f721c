/* A Linux arm64 Image header in front of a guest, so the same guest can be booted as an
 * "Image" (text_offset 0: loaded at the start of the domain's RAM, entered at the header). */
    .section .text.head, "ax"
    .globl __image_start
__image_start:
    b       _start                      /* code0 */
    .long   0                           /* code1 */
    .quad   0                           /* text_offset */
    .quad   __guest_end - __image_start /* image_size, bss and stack included */
    .quad   0xa                         /* little-endian, 4K pages, place anywhere */
    .quad   0, 0, 0
    .ascii  "ARM\x64"
    .long   0
