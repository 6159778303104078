// Amounts as the console prints them (src/common/target_units.cpp): at least 4 significant digits at any
// magnitude, integer digits never rounded away, thousands separators, "$" only for a money target. Pure functions.

function groupThousands(integerDigits: string): string {
  return integerDigits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// 2.045 -> "2.045", 1805.3 -> "1,805", 0.0123456 -> "0.01235", 1234567.8 -> "1,234,568", 0 -> "0";
// below 1e-4 and from 1e15 on, exponent form: "1.235e-05".
export function formatSignificant(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  const sign = value < 0 ? '-' : '';
  if (magnitude < 1e-4 || magnitude >= 1e15) {
    // C's printf writes at least two exponent digits ("e-05"); JavaScript writes "e-5".
    const [mantissa, exponent] = value.toExponential(Math.max(0, digits - 1)).split('e');
    const exponentDigits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${exponent.startsWith('-') ? '-' : '+'}${exponentDigits}`;
  }
  const integerDigits = Math.floor(Math.log10(magnitude)) + 1;
  let decimals = Math.max(0, digits - integerDigits);
  let text = magnitude.toFixed(decimals);
  // Rounding may carry into a new digit (9.9996 -> "10.000"): one decimal fewer keeps the count honest.
  if (decimals > 0 && Number(text) >= 10 ** integerDigits) text = magnitude.toFixed(--decimals);
  const point = text.indexOf('.');
  const integerPart = point < 0 ? text : text.slice(0, point);
  const fraction = point < 0 ? '' : text.slice(point);
  return sign + groupThousands(integerPart) + fraction;
}

// "$1,805" for a money target (unit "$"), "1.287" otherwise; "-$12.35" when negative.
export function formatAmount(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  return (value < 0 ? '-' : '') + unit + formatSignificant(Math.abs(value));
}

// A share as a percentage: 0.8 -> "80 %".
export function formatPercent(share: number): string {
  return `${formatSignificant(share * 100, 3).replace(/\.0+$/, '')} %`;
}
