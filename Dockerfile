# IDM image: builds the server and the client, then runs the server (which serves the client at /).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build server && npm run build --workspace client

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY package.json package-lock.json ./
COPY client/package.json client/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
# The historian's journal (store-and-forward) lives in DATA_DIR: it must exist and belong to the user IDM
# runs as, or a named volume mounted there is root-owned and every accepted sample fails to journal.
ENV DATA_DIR=/var/lib/idm
RUN mkdir -p /var/lib/idm && chown node:node /var/lib/idm
USER node
EXPOSE 3000
CMD ["node", "dist/apps/server/main.js"]
