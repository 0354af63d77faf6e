import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";

// SVG → PNG with resvg, with the fonts loaded explicitly from @expo-google-fonts/noto-sans (Noto Sans, SIL
// Open Font License 1.1: Latin with Latin Extended, so č ć đ š ž, and Cyrillic, so ђ ћ љ њ џ and Russian).
// System fonts are never consulted: the PNG looks the same on a laptop, in a container and in CI.

const require = createRequire(import.meta.url);

/** Paths of the chart fonts (regular and bold); the web server serves the same files to browsers. */
export const FONT_FILES = {
  regular: require.resolve("@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf"),
  bold: require.resolve("@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf"),
} as const;

export interface PngOptions {
  /** Output width in pixels (the height follows the SVG's aspect ratio); default: the SVG's own width. */
  width?: number;
}

export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    font: {
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      loadSystemFonts: false,
      defaultFontFamily: "Noto Sans",
      sansSerifFamily: "Noto Sans",
    },
    background: "#ffffff",
    ...(options.width ? { fitTo: { mode: "width" as const, value: options.width } } : {}),
  });
  return resvg.render().asPng();
}
