// The customer page's static stylesheet and script (served from the page's own path, so the CSP can
// stay at 'self'), and the per-account theme: CSS custom properties from the validated branding.
import { type Branding, inkOf, textOn } from '../accounts/branding.service';

export function themeCss(b: Branding): string {
  // Every value is a #RRGGBB the branding schema validated; nothing else reaches this stylesheet.
  return `:root{--primary:${b.primaryColor};--on-primary:${textOn(b.primaryColor)};--ink:${inkOf(b.primaryColor)};--accent:${b.accentColor};--accent-ink:${inkOf(b.accentColor)};}\n`;
}

export const PAGE_CSS = `
:root{--primary:#1F4FD1;--on-primary:#fff;--ink:#1F4FD1;--accent:#0F766E;--accent-ink:#0F766E;
--text:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--card:#fff;--radius:10px;
font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--text);background:var(--bg);}
*{box-sizing:border-box}
body{margin:0;line-height:1.5;font-size:16px}
.wrap{max-width:880px;margin:0 auto;padding:0 20px}
.skip{position:absolute;left:-9999px;top:0}
.skip:focus{left:12px;top:12px;background:#fff;padding:8px 12px;border-radius:6px;z-index:10;color:var(--ink)}
.top{background:var(--card);border-top:4px solid var(--primary);border-bottom:1px solid var(--line)}
.top-row{display:flex;align-items:center;justify-content:space-between;gap:12px;flex-wrap:wrap;min-height:64px;padding-top:8px;padding-bottom:8px}
.brand{display:inline-flex;align-items:center;text-decoration:none;color:var(--ink)}
.brand-name{font-size:1.25rem;font-weight:700}
.logo{max-height:40px;max-width:180px;display:block}
.who{display:flex;align-items:center;gap:12px;flex-wrap:wrap;font-size:.9rem;color:var(--muted)}
main.wrap{padding-top:32px;padding-bottom:32px;outline:none}
h1{font-size:1.6rem;margin:0 0 6px}
h2{font-size:1.15rem;margin:0}
h3{font-size:1rem;margin:18px 0 8px}
p{margin:0 0 12px}
.card h2+p{margin-top:6px}
.lead{color:var(--muted);margin-bottom:22px}
a{color:var(--ink)}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:20px;margin-bottom:18px}
.card-head{display:flex;justify-content:space-between;align-items:flex-start;gap:10px;flex-wrap:wrap;margin-bottom:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px 20px;margin:0 0 6px}
.grid dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.grid dd{margin:2px 0 0;font-weight:600}
.badge{display:inline-block;border-radius:999px;padding:2px 10px;font-size:.85rem;font-weight:600;border:1px solid}
.badge.active{color:#116329;background:#dafbe1;border-color:#4ac26b}
.badge.expired,.badge.revoked{color:#82071e;background:#ffebe9;border-color:#ff8182}
.badge.suspended{color:#7d4e00;background:#fff8c5;border-color:#d4a72c}
.key{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;margin:12px 0;padding:10px 12px;background:var(--bg);border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:8px}
.key code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1rem;letter-spacing:.04em;word-break:break-all}
.key details{display:inline}
.key summary{cursor:pointer;color:var(--accent-ink);font-weight:600}
.key details[open] summary{margin-bottom:4px}
.devices{list-style:none;margin:0;padding:0;border-top:1px solid var(--line)}
.devices li{display:flex;justify-content:space-between;align-items:center;gap:10px;flex-wrap:wrap;padding:12px 0;border-bottom:1px solid var(--line)}
.device-name{font-weight:600;word-break:break-all}
.muted{color:var(--muted);font-size:.9rem}
form{margin:0}
.inline{display:inline}
label{display:block;font-weight:600;margin-bottom:6px}
input[type=email],input[type=text]{width:100%;font:inherit;padding:10px 12px;border:1px solid #8c959f;border-radius:8px;background:#fff;color:var(--text)}
.field{margin-bottom:14px}
.hint{font-size:.85rem;color:var(--muted);margin-top:4px}
button,.button{font:inherit;font-weight:600;border-radius:8px;padding:9px 16px;border:1px solid transparent;cursor:pointer;background:var(--primary);color:var(--on-primary)}
button.secondary{background:#fff;color:var(--text);border-color:#8c959f}
button.danger{background:#fff;color:#a40e26;border-color:#cf222e}
button.link{background:none;border:0;padding:0;color:var(--ink);text-decoration:underline;font-weight:400}
button:hover{filter:brightness(.95)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.signin{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.flash{border-radius:8px;padding:12px 14px;margin-bottom:18px;border:1px solid}
.flash.notice{background:#ddf4ff;border-color:#54aeff;color:#0a3069}
.flash.error{background:#ffebe9;border-color:#ff8182;color:#82071e}
.foot{padding-bottom:32px;color:var(--muted);font-size:.9rem}
.empty{color:var(--muted)}
[hidden]{display:none!important}
@media (max-width:640px){.signin{grid-template-columns:1fr}.wrap{padding-left:14px;padding-right:14px}
main.wrap{padding-top:22px}h1{font-size:1.35rem}.card{padding:16px}
.who{width:100%;justify-content:space-between;gap:4px 12px}.who strong{word-break:break-all}}
`;

// Progressive enhancement only: the page works without it. It shows the Copy buttons (hidden in the
// HTML) and copies the key they point at.
export const PAGE_JS = `
document.querySelectorAll('button[data-copy]').forEach(function (b) {
  b.hidden = false;
  b.addEventListener('click', function () {
    var el = document.getElementById(b.getAttribute('data-copy'));
    if (!el || !navigator.clipboard) return;
    navigator.clipboard.writeText(el.textContent.trim()).then(function () {
      var label = b.textContent;
      b.textContent = 'Copied';
      setTimeout(function () { b.textContent = label; }, 1500);
    });
  });
});
`;
