export { createBoardApp } from "./board";
